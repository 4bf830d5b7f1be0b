import { api, ApiError, type Problem } from '../api-client.js';
import { el, replaceChildren } from '../dom.js';
import { navigate } from '../navigation.js';
import type { ServerEntry } from '../types.js';
import { button, link, messageArea, type MessageArea, pageHeader, problemList, splitList } from '../widgets.js';
import { credentialFields, type CredentialFields } from './credential-fields.js';
import { formRow } from './form-row.js';
import { flashOnServersPage } from './servers-page.js';

const TRANSPORTS = ['streamable-http', 'sse', 'websocket'] as const;
const VISIBILITIES = ['public', 'group-restricted', 'private'] as const;

interface FormFields {
  form: HTMLFormElement;
  inputs: {
    server_name: HTMLInputElement;
    path: HTMLInputElement;
    proxy_pass_url: HTMLInputElement;
    description: HTMLTextAreaElement;
    tags: HTMLInputElement;
    visibility: HTMLSelectElement;
    allowed_groups: HTMLInputElement;
    enabled: HTMLInputElement;
    timeout_seconds: HTMLInputElement;
  };
  transports: Map<string, HTMLInputElement>;
  credential: CredentialFields;
  errors: Map<string, HTMLElement>;
}

/**
 * Registers a server (`existingPath` undefined) or edits one. The API validates; its problems are
 * shown next to the fields they name. An edit sends the revision it was based on and, when someone
 * saved first, says so and offers to load their version.
 */
export async function renderServerFormPage(view: HTMLElement, existingPath: string | undefined): Promise<void> {
  const editing = existingPath !== undefined;
  const messages = messageArea();
  const fields = buildForm(editing);
  let revision: number | undefined;

  const load = async (): Promise<boolean> => {
    if (!editing) return true;
    try {
      const answer = await api<ServerEntry>('GET', `/api/servers${existingPath}`);
      revision = answer.body.revision;
      fill(fields, answer.body);
      return true;
    } catch (error) {
      messages.showError(error);
      return false;
    }
  };

  fields.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  const submit = async (): Promise<void> => {
    clearErrors(fields);
    messages.clear();
    const entry = collect(fields, editing);
    try {
      if (editing) {
        await api('PATCH', `/api/servers${existingPath}`, { json: entry, ...(revision === undefined ? {} : { ifRevision: revision }) });
        flashOnServersPage('success', `${String(entry.server_name)} was saved.`);
      } else {
        await api('POST', '/api/servers', { json: entry });
        flashOnServersPage('success', `${String(entry.server_name)} was registered at ${fields.inputs.path.value.trim()}.`);
      }
      navigate('/');
    } catch (error) {
      showError(error, fields, messages, () => {
        clearErrors(fields);
        void load().then((loaded) => {
          if (loaded) messages.show('info', 'The current version is loaded; redo your changes and save.');
        });
      });
    }
  };

  replaceChildren(
    view,
    pageHeader(editing ? `Edit ${existingPath}` : 'Register a server', link('/', 'Back to servers')),
    messages.element,
    fields.form,
  );
  await load();
}

function showError(error: unknown, fields: FormFields, messages: MessageArea, reload: () => void): void {
  if (!(error instanceof ApiError)) {
    messages.showError(error);
    return;
  }
  if (error.code === 'REGISTRY_REVISION_CONFLICT') {
    messages.show(
      'error',
      el('strong', {}, 'Someone else saved this server after you opened it. '),
      'Your changes are not saved. ',
      button('Reload the current version', reload, { class: 'primary' }),
    );
    return;
  }
  const unplaced: Problem[] = [];
  for (const problem of error.problems) {
    const slot = fields.errors.get(fieldOf(problem.path));
    if (slot === undefined) {
      unplaced.push(problem);
      continue;
    }
    slot.hidden = false;
    if (slot.parentElement?.classList.contains('field')) slot.parentElement.hidden = false;
    slot.append(el('span', {}, problem.path.includes('[') || problem.path.includes('.') ? `${problem.path}: ${problem.message}` : problem.message), ' ');
    slot.previousElementSibling?.setAttribute('aria-invalid', 'true');
  }
  const summary = error.problems.length > 0 ? 'The registry refused the entry; see the marked fields.' : error.message;
  messages.show('error', summary, unplaced.length > 0 ? problemList(unplaced) : null);
}

/** `tags[1]` and `metadata.x` belong to the fields `tags` and `metadata`. */
function fieldOf(problemPath: string): string {
  return problemPath.split(/[.[]/)[0] ?? '';
}

function buildForm(editing: boolean): FormFields {
  const errors = new Map<string, HTMLElement>();
  const row = (name: string, label: string, control: HTMLElement, hint?: string): HTMLElement => formRow(errors, name, label, control, hint);
  const inputs = {
    server_name: el('input', { type: 'text', name: 'server_name', autocomplete: 'off' }),
    path: el('input', { type: 'text', name: 'path', placeholder: '/team/weather', readonly: editing, autocomplete: 'off' }),
    proxy_pass_url: el('input', { type: 'text', name: 'proxy_pass_url', placeholder: 'http://127.0.0.1:8101/', autocomplete: 'off' }),
    description: el('textarea', { name: 'description', rows: 3 }),
    tags: el('input', { type: 'text', name: 'tags', placeholder: 'time, utilities' }),
    visibility: el('select', { name: 'visibility' }, ...VISIBILITIES.map((value) => el('option', { value }, value))),
    allowed_groups: el('input', { type: 'text', name: 'allowed_groups', placeholder: 'team-a, team-b' }),
    enabled: el('input', { type: 'checkbox', name: 'enabled', checked: true }),
    timeout_seconds: el('input', { type: 'number', name: 'timeout_seconds', min: 1, step: 1, placeholder: 'default' }),
  };
  const transports = new Map(TRANSPORTS.map((transport) => [transport, el('input', { type: 'checkbox', name: 'supported_transports', value: transport, checked: transport === 'streamable-http' })]));
  const transportError = el('p', { class: 'field-error', id: 'error-supported_transports', hidden: true });
  errors.set('supported_transports', transportError);
  const enabledError = el('p', { class: 'field-error', id: 'error-enabled', hidden: true });
  errors.set('enabled', enabledError);
  const credential = credentialFields(errors, editing);
  const allowedGroupsRow = row('allowed_groups', 'Allowed groups', inputs.allowed_groups, 'Who may see a group-restricted server; comma-separated.');
  const showAllowedGroups = (): void => {
    allowedGroupsRow.hidden = inputs.visibility.value !== 'group-restricted' && inputs.allowed_groups.value.trim() === '';
  };
  inputs.visibility.addEventListener('change', showAllowedGroups);
  showAllowedGroups();
  const form = el(
    'form',
    { class: 'server-form', novalidate: true },
    row('server_name', 'Name', inputs.server_name),
    row('path', 'Path', inputs.path, editing ? 'The path cannot change; register the server at the new path and delete this one.' : 'Where the gateway serves it: https://gateway/<path>/mcp'),
    row('proxy_pass_url', 'Upstream URL', inputs.proxy_pass_url),
    row('description', 'Description', inputs.description),
    row('tags', 'Tags', inputs.tags, 'Comma-separated.'),
    el(
      'fieldset',
      { class: 'field' },
      el('legend', {}, 'Transports'),
      ...[...transports].map(([transport, box]) => el('label', { class: 'inline' }, box, ` ${transport}`)),
      transportError,
    ),
    row('visibility', 'Visibility', inputs.visibility),
    allowedGroupsRow,
    el('div', { class: 'field' }, el('label', { class: 'inline' }, inputs.enabled, ' Enabled'), enabledError),
    row('timeout_seconds', 'Time-out (seconds)', inputs.timeout_seconds),
    credential.element,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Register')),
  );
  return { form, inputs, transports, credential, errors };
}

function fill(fields: FormFields, server: ServerEntry): void {
  const { inputs } = fields;
  inputs.server_name.value = server.server_name;
  inputs.path.value = server.path;
  inputs.proxy_pass_url.value = server.proxy_pass_url;
  inputs.description.value = server.description;
  inputs.tags.value = server.tags.join(', ');
  inputs.visibility.value = server.visibility;
  inputs.allowed_groups.value = (server.allowed_groups ?? []).join(', ');
  inputs.enabled.checked = server.enabled;
  inputs.timeout_seconds.value = server.timeout_seconds === undefined ? '' : String(server.timeout_seconds);
  for (const [transport, box] of fields.transports) box.checked = server.supported_transports.includes(transport);
  fields.credential.fill(server);
  inputs.visibility.dispatchEvent(new Event('change'));
}

/** The form as a server entry (registration) or a patch of the fields the form shows (edit). */
function collect(fields: FormFields, editing: boolean): Record<string, unknown> {
  const { inputs } = fields;
  const timeout = inputs.timeout_seconds.value.trim();
  const entry: Record<string, unknown> = {
    server_name: inputs.server_name.value,
    proxy_pass_url: inputs.proxy_pass_url.value.trim(),
    description: inputs.description.value,
    tags: splitList(inputs.tags.value),
    supported_transports: [...fields.transports].filter(([, box]) => box.checked).map(([transport]) => transport),
    visibility: inputs.visibility.value,
    allowed_groups: splitList(inputs.allowed_groups.value),
    enabled: inputs.enabled.checked,
    ...fields.credential.collect(),
  };
  if (!editing) entry.path = inputs.path.value.trim();
  if (timeout !== '') entry.timeout_seconds = Number(timeout);
  else if (editing) entry.timeout_seconds = null;
  return entry;
}

function clearErrors(fields: FormFields): void {
  for (const slot of fields.errors.values()) {
    slot.hidden = true;
    slot.replaceChildren();
  }
  for (const control of fields.form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}
