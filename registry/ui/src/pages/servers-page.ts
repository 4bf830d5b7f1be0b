import { api, ApiError } from '../api-client.js';
import { el, replaceChildren } from '../dom.js';
import { serverRoute } from '../navigation.js';
import { may, type Me, type ServerEntry } from '../types.js';
import { button, confirmDialog, link, messageArea, type MessageArea, pageHeader, type NoticeKind } from '../widgets.js';
import { healthOf } from './server-health.js';

let flash: { kind: NoticeKind; text: string } | undefined;

/** A message the servers page shows once, the next time it opens (after a save, for example). */
export function flashOnServersPage(kind: NoticeKind, text: string): void {
  flash = { kind, text };
}

/** The servers the caller may see: filter, toggle, edit, connect, delete. */
export async function renderServersPage(view: HTMLElement, me: Me | undefined): Promise<void> {
  const messages = messageArea();
  if (flash !== undefined) {
    messages.show(flash.kind, flash.text);
    flash = undefined;
  }
  const filter = el('input', { type: 'search', id: 'server-filter', placeholder: 'Filter by name, path, tag or description', 'aria-label': 'Filter servers' });
  const body = el('tbody');
  const table = el(
    'table',
    { class: 'servers', 'aria-label': 'Servers' },
    el('thead', {}, el('tr', {}, ...['Name', 'Path', 'Tags', 'Enabled', 'Visibility', 'Health', ''].map((title) => el('th', { scope: 'col' }, title)))),
    body,
  );
  const empty = el('p', { class: 'empty', hidden: true });
  replaceChildren(
    view,
    pageHeader(
      'Servers',
      button('Refresh', () => void load()),
      may(me, 'register_service') ? link('/servers/new', 'Register a server', { class: 'button primary' }) : null,
    ),
    messages.element,
    filter,
    table,
    empty,
  );

  const load = async (): Promise<void> => {
    let servers: ServerEntry[];
    try {
      servers = (await api<{ servers: ServerEntry[] }>('GET', '/api/servers')).body.servers;
    } catch (error) {
      messages.showError(error);
      return;
    }
    replaceChildren(body, ...servers.map((server) => serverRow(server, me, messages, load)));
    applyFilter();
  };
  const applyFilter = (): void => {
    const wanted = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const row of Array.from(body.rows)) {
      const match = wanted === '' || (row.dataset.search ?? '').includes(wanted);
      row.hidden = !match;
      if (match) shown += 1;
    }
    empty.hidden = shown > 0;
    empty.textContent = body.rows.length === 0 ? 'No servers yet.' : 'No server matches the filter.';
  };
  filter.addEventListener('input', applyFilter);
  await load();
}

function serverRow(server: ServerEntry, me: Me | undefined, messages: MessageArea, reload: () => Promise<void>): HTMLTableRowElement {
  let revision = server.revision;
  const toggle = el('input', {
    type: 'checkbox',
    role: 'switch',
    checked: server.enabled,
    disabled: !may(me, 'toggle_service', server.path) || server.source === 'federated',
    'aria-label': `Enable ${server.server_name}`,
  });
  const state = el('span', { class: 'toggle-state' }, server.enabled ? 'on' : 'off');
  toggle.addEventListener('change', () => {
    const enabled = toggle.checked;
    toggle.disabled = true;
    api<ServerEntry>('POST', `/api/servers${server.path}/toggle`, { json: { enabled }, ifRevision: revision })
      .then(({ body }) => {
        revision = body.revision;
        state.textContent = body.enabled ? 'on' : 'off';
        messages.show('success', `${server.server_name} is now ${body.enabled ? 'enabled' : 'disabled'}.`);
      })
      .catch((error: unknown) => {
        toggle.checked = !enabled;
        const conflict = error instanceof ApiError && error.code === 'REGISTRY_REVISION_CONFLICT';
        if (!conflict) {
          messages.showError(error);
          return;
        }
        messages.show('error', `${server.server_name} changed since this list was loaded; the list is reloaded, try again.`);
        void reload();
      })
      .finally(() => {
        toggle.disabled = false;
      });
  });
  const remove = async (): Promise<void> => {
    const confirmed = await confirmDialog(['Delete ', el('strong', {}, server.server_name), ` (${server.path})? Gateways stop routing to it.`], 'Delete');
    if (!confirmed) return;
    try {
      await api('DELETE', `/api/servers${server.path}`);
      messages.show('success', `${server.server_name} was deleted.`);
      await reload();
    } catch (error) {
      messages.showError(error);
    }
  };
  const editable = server.source !== 'federated';
  const row = el(
    'tr',
    {},
    el('td', {}, el('div', { class: 'server-name' }, server.server_name), server.description ? el('div', { class: 'description' }, server.description) : null),
    el('td', {}, el('code', {}, server.path)),
    el('td', {}, ...server.tags.map((tag) => el('span', { class: 'tag' }, tag))),
    el('td', {}, el('label', { class: 'switch' }, toggle, state)),
    el('td', {}, server.visibility, server.source === 'federated' ? el('div', { class: 'muted' }, `from ${server.federated_from ?? 'a peer'}`) : null),
    el('td', {}, healthOf(server)),
    el(
      'td',
      { class: 'row-actions' },
      editable && may(me, 'modify_service', server.path) ? link(serverRoute('/servers/edit', server.path), 'Edit') : null,
      link(serverRoute('/connect', server.path), 'Connect'),
      editable && may(me, 'delete_service', server.path) ? button('Delete', () => void remove(), { class: 'danger' }) : null,
    ),
  );
  row.dataset.path = server.path;
  row.dataset.search = [server.server_name, server.path, server.description, ...server.tags].join('\n').toLowerCase();
  return row;
}
