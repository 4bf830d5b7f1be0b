import { api } from '../api-client.js';
import { el, replaceChildren } from '../dom.js';
import { messageArea, pageHeader, problemList } from '../widgets.js';
import { scopesEditor } from './scopes-editor.js';
import { scopesGroups } from './scopes-groups.js';
import { scopesHistory } from './scopes-history.js';

/** GET /api/scopes as JSON. */
export interface ScopesAnswer {
  revision: number;
  updated_at: string;
  updated_by: string;
  valid: boolean;
  problems?: Array<{ path: string; message: string }>;
  document: Record<string, unknown> | null;
}

/** scopes.yml: its groups and mappings, the YAML editor, the history with rollback. */
export async function renderScopesPage(view: HTMLElement): Promise<void> {
  const messages = messageArea();
  const overview = el('section', { class: 'scopes-overview', 'aria-label': 'Groups and scopes' });
  const editorSlot = el('section', { class: 'scopes-editor', 'aria-label': 'Edit scopes.yml' });
  const historySlot = el('section', { class: 'scopes-history', 'aria-label': 'History' });
  replaceChildren(view, pageHeader('Scopes'), messages.element, overview, editorSlot, historySlot);

  const refresh = async (): Promise<void> => {
    try {
      const [current, text] = await Promise.all([api<ScopesAnswer>('GET', '/api/scopes'), api<string>('GET', '/api/scopes', { acceptYaml: true })]);
      replaceChildren(overview, ...renderOverview(current.body, scopesGroups(groupsOf(current.body), current.body.revision, messages, refresh)));
      replaceChildren(editorSlot, scopesEditor(text.body, current.body.revision, messages, refresh));
      replaceChildren(historySlot, await scopesHistory(current.body.revision, messages, refresh));
    } catch (error) {
      messages.showError(error);
    }
  };
  await refresh();
}

function groupsOf(scopes: ScopesAnswer): Record<string, string[]> {
  return Object.fromEntries(Object.entries(asRecord(scopes.document?.group_mappings)).map(([group, names]) => [group, stringList(names)]));
}

function renderOverview(scopes: ScopesAnswer, groups: HTMLElement): HTMLElement[] {
  const file = scopes.document ?? {};
  const uiScopes = asRecord(file['UI-Scopes']);
  const serverScopes = Object.entries(file).filter(([key]) => key !== 'group_mappings' && key !== 'UI-Scopes');
  return [
    el('p', { class: 'muted' }, `Revision ${scopes.revision}, ${scopes.updated_at} by ${scopes.updated_by}.`),
    scopes.valid ? null : el('div', { class: 'notice notice-error', role: 'alert' }, 'The file in force does not validate; the auth-servers keep the last good version.', problemList(scopes.problems ?? [])),
    el('h2', {}, 'Groups'),
    groups,
    el('h2', {}, 'Server scopes'),
    table(
      ['Scope', 'Server', 'Methods', 'Tools'],
      serverScopes.flatMap(([scope, entries]) =>
        (Array.isArray(entries) ? entries : []).map((entry) => {
          const record = asRecord(entry);
          return [scope, String(record.server ?? ''), stringList(record.methods).join(', '), stringList(record.tools).join(', ')];
        }),
      ),
    ),
    el('h2', {}, 'Registry permissions (UI-Scopes)'),
    table(
      ['Scope', 'Action', 'Servers'],
      Object.entries(uiScopes).flatMap(([scope, actions]) => Object.entries(asRecord(actions)).map(([action, paths]) => [scope, action, stringList(paths).join(', ')])),
    ),
  ].filter((node): node is HTMLElement => node !== null);
}

function table(headings: string[], rows: string[][]): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'empty' }, 'None.');
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...headings.map((heading) => el('th', { scope: 'col' }, heading)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, cell))))),
  );
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
}
