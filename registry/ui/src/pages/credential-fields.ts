import { el } from '../dom.js';
import type { ServerEntry } from '../types.js';
import { formRow } from './form-row.js';

const KEEP = 'keep';
const SCHEME_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['none', 'None'],
  ['bearer', 'Bearer token (Authorization header)'],
  ['api_key', 'API key in a header'],
  ['custom', 'Custom headers'],
];

export interface CredentialFields {
  element: HTMLFieldSetElement;
  /** Shows which credential the server has (never its secret) and keeps it unless changed. */
  fill(server: ServerEntry): void;
  /** The auth_* keys to send; none when the credential stays as it is. */
  collect(): Record<string, unknown>;
}

/**
 * The credential the gateway sends to the upstream. Write-only: the registry answers only which
 * scheme is set, so the secret is typed, sent once, and never shown again.
 */
export function credentialFields(errors: Map<string, HTMLElement>, editing: boolean): CredentialFields {
  const scheme = el(
    'select',
    { name: 'auth_scheme' },
    editing ? el('option', { value: KEEP }, 'Keep the current credential') : null,
    ...SCHEME_LABELS.map(([value, label]) => el('option', { value }, editing && value === 'none' ? 'None (remove the credential)' : label)),
  );
  const credential = el('input', { type: 'password', name: 'auth_credential', autocomplete: 'new-password', spellcheck: 'false' });
  const headerName = el('input', { type: 'text', name: 'auth_header_name', placeholder: 'X-API-Key', autocomplete: 'off' });
  const headers = el('textarea', { name: 'auth_headers', rows: 3, placeholder: 'X-Tenant-Key: value', spellcheck: 'false' });
  const state = el('p', { class: 'hint', id: 'credential-state' }, editing ? 'No credential is set.' : '');
  const credentialRow = formRow(errors, 'auth_credential', 'Secret', credential, 'Sent to the upstream only; the registry never shows it again.');
  const headerNameRow = formRow(errors, 'auth_header_name', 'Header name', headerName, 'Default X-API-Key.');
  const headersRow = formRow(errors, 'auth_headers', 'Headers', headers, 'One "Name: value" a line.');
  const showFor = (): void => {
    credentialRow.hidden = scheme.value !== 'bearer' && scheme.value !== 'api_key';
    headerNameRow.hidden = scheme.value !== 'api_key';
    headersRow.hidden = scheme.value !== 'custom';
  };
  scheme.addEventListener('change', showFor);
  showFor();
  const element = el(
    'fieldset',
    { class: 'field credential' },
    el('legend', {}, 'Upstream credential'),
    state,
    formRow(errors, 'auth_scheme', 'Scheme', scheme),
    credentialRow,
    headerNameRow,
    headersRow,
  );
  return {
    element,
    fill: (server) => {
      const set = typeof server.auth_scheme === 'string' && server.auth_credential_set === true;
      const names = server.auth_scheme === 'api_key' ? ` in ${String(server.auth_header_name ?? '')}` : Array.isArray(server.auth_header_names) ? ` (${server.auth_header_names.join(', ')})` : '';
      state.textContent = set ? `A ${String(server.auth_scheme)} credential is set${names}; its secret is never shown.` : 'No credential is set.';
      scheme.value = editing ? KEEP : 'none';
      credential.value = '';
      showFor();
    },
    collect: () => {
      const chosen = scheme.value;
      if (chosen === KEEP || (!editing && chosen === 'none')) return {};
      const secret = credential.value === '' ? {} : { auth_credential: credential.value };
      if (chosen === 'bearer') return { auth_scheme: chosen, ...secret };
      if (chosen === 'api_key') return { auth_scheme: chosen, ...secret, ...(headerName.value.trim() ? { auth_header_name: headerName.value.trim() } : {}) };
      if (chosen === 'custom') return { auth_scheme: chosen, auth_headers: parseHeaderLines(headers.value) };
      return { auth_scheme: chosen };
    },
  };
}

/** `Name: value` lines as a header map; the API judges names and values. */
function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    headers[(colon === -1 ? line : line.slice(0, colon)).trim()] = colon === -1 ? '' : line.slice(colon + 1).trim();
  }
  return headers;
}
