import { api } from '../api-client.js';
import { el, replaceChildren } from '../dom.js';
import { button, confirmDialog, messageArea, splitList, type MessageArea } from '../widgets.js';
import { showRefusal } from './scopes-editor.js';

/**
 * The groups of scopes.yml and the scopes each maps to, each editable in place (PUT and DELETE
 * /api/scopes/groups/{group} with the revision on screen), and a row to add a group. Refusals are
 * shown above the table; a saved change on the page (`messages`), since the table is rebuilt.
 */
export function scopesGroups(groups: Record<string, string[]>, revision: number, messages: MessageArea, refresh: () => Promise<void>): HTMLElement {
  const refusals = messageArea();
  const change = async (method: 'PUT' | 'DELETE', group: string, body: object, done: string): Promise<void> => {
    messages.clear();
    refusals.clear();
    try {
      await api(method, `/api/scopes/groups/${encodeURIComponent(group)}`, { json: { ...body, revision } });
      await refresh();
      messages.show('success', done);
    } catch (error) {
      showRefusal(error, refusals, refresh);
    }
  };

  const row = (group: string, scopes: string[]): HTMLTableRowElement => {
    const cells = el('tr', { 'data-group': group });
    const show = (): void => {
      replaceChildren(
        cells,
        el('td', {}, group),
        el('td', {}, scopes.join(', ')),
        el(
          'td',
          { class: 'row-actions' },
          button('Edit', edit, { 'aria-label': `Edit the scopes of ${group}` }),
          button('Delete', () => void remove(), { class: 'danger', 'aria-label': `Delete the group ${group}` }),
        ),
      );
    };
    const edit = (): void => {
      const input = el('input', { type: 'text', value: scopes.join(', '), 'aria-label': `Scopes of ${group}` });
      replaceChildren(
        cells,
        el('td', {}, group),
        el('td', {}, input),
        el(
          'td',
          { class: 'row-actions' },
          button('Save', () => void change('PUT', group, { scopes: splitList(input.value) }, `The group ${group} is saved.`), { class: 'primary' }),
          button('Cancel', show),
        ),
      );
      input.focus();
    };
    const remove = async (): Promise<void> => {
      if (await confirmDialog(`Delete the group ${group}? Its members lose the scopes it maps to.`, 'Delete')) {
        await change('DELETE', group, {}, `The group ${group} is deleted.`);
      }
    };
    show();
    return cells;
  };

  const newName = el('input', { type: 'text', id: 'new-group-name', placeholder: 'group name', 'aria-label': 'New group name' });
  const newScopes = el('input', { type: 'text', id: 'new-group-scopes', placeholder: 'scope-a, scope-b', 'aria-label': 'Scopes of the new group' });
  const addRow = el(
    'tr',
    { class: 'add-row' },
    el('td', {}, newName),
    el('td', {}, newScopes),
    el('td', {}, button('Add group', () => void change('PUT', newName.value.trim(), { scopes: splitList(newScopes.value) }, `The group ${newName.value.trim()} is added.`))),
  );
  return el(
    'div',
    {},
    refusals.element,
    el(
      'table',
      { 'aria-label': 'Groups' },
      el('thead', {}, el('tr', {}, ...['Group', 'Scopes', ''].map((heading) => el('th', { scope: 'col' }, heading)))),
      el('tbody', {}, ...Object.entries(groups).map(([group, scopes]) => row(group, scopes)), addRow),
    ),
  );
}
