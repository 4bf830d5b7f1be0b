import { api } from '../api-client.js';
import { el, replaceChildren } from '../dom.js';
import { button, confirmDialog, messageArea, type MessageArea } from '../widgets.js';
import { showRefusal } from './scopes-editor.js';

interface RevisionSummary {
  revision: number;
  created_at: string;
  author: string;
  action: string;
}

/** The kept revisions of scopes.yml: show one, or roll back to it (as a new revision). */
export async function scopesHistory(current: number, messages: MessageArea, refresh: () => Promise<void>): Promise<HTMLElement> {
  const { revisions } = (await api<{ revisions: RevisionSummary[] }>('GET', '/api/scopes/history')).body;
  const refusals = messageArea();
  const shown = el('pre', { class: 'revision-text', hidden: true });
  const show = async (revision: number): Promise<void> => {
    try {
      const text = (await api<string>('GET', `/api/scopes/history/${revision}`, { acceptYaml: true })).body;
      shown.hidden = false;
      replaceChildren(shown, el('code', {}, text));
    } catch (error) {
      refusals.showError(error);
    }
  };
  const rollback = async (revision: number): Promise<void> => {
    if (!(await confirmDialog(`Make revision ${revision} the file in force again (as a new revision)?`, 'Roll back'))) return;
    refusals.clear();
    try {
      const answer = await api<{ revision: number }>('POST', `/api/scopes/rollback/${revision}`, { ifRevision: current });
      await refresh();
      messages.show('success', `Rolled back to revision ${revision}; it is now revision ${answer.body.revision}.`);
    } catch (error) {
      showRefusal(error, refusals, refresh);
    }
  };
  return el(
    'div',
    {},
    el('h2', {}, 'History'),
    refusals.element,
    el(
      'table',
      { 'aria-label': 'Revisions of scopes.yml' },
      el('thead', {}, el('tr', {}, ...['Revision', 'When', 'Who', 'What', ''].map((title) => el('th', { scope: 'col' }, title)))),
      el(
        'tbody',
        {},
        ...revisions.map((entry) =>
          el(
            'tr',
            {},
            el('td', {}, String(entry.revision), entry.revision === current ? ' (in force)' : ''),
            el('td', {}, entry.created_at),
            el('td', {}, entry.author),
            el('td', {}, entry.action),
            el(
              'td',
              { class: 'row-actions' },
              button('Show', () => void show(entry.revision)),
              entry.revision === current ? null : button('Roll back', () => void rollback(entry.revision)),
            ),
          ),
        ),
      ),
    ),
    shown,
  );
}
