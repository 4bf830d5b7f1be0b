import { api, ApiError } from '../api-client.js';
import { el } from '../dom.js';
import { button, messageArea, problemList, type MessageArea } from '../widgets.js';

/**
 * The raw YAML of scopes.yml in a text area. Saving sends the revision it was based on; the API's
 * refusals are shown right above the text, with the path of each problem, and nothing is changed.
 * A saved edit is reported on the page (`messages`), since the editor is rebuilt with the new file.
 */
export function scopesEditor(text: string, revision: number, messages: MessageArea, refresh: () => Promise<void>): HTMLElement {
  const refusals = messageArea();
  const area = el('textarea', { id: 'scopes-yaml', name: 'scopes-yaml', rows: 24, spellcheck: 'false', 'aria-label': 'scopes.yml' });
  area.value = text;
  const save = async (): Promise<void> => {
    messages.clear();
    refusals.clear();
    try {
      const answer = await api<{ revision: number }>('PUT', '/api/scopes', { yaml: area.value, ifRevision: revision });
      await refresh();
      messages.show('success', `scopes.yml saved as revision ${answer.body.revision}; the auth-servers reload it.`);
    } catch (error) {
      showRefusal(error, refusals, refresh);
    }
  };
  return el(
    'div',
    {},
    el('h2', {}, 'Edit scopes.yml'),
    el('p', { class: 'hint' }, `Editing revision ${revision}. The registry validates the file as the auth-servers do and refuses an edit that would lock every administrator out.`),
    refusals.element,
    area,
    el('div', { class: 'actions' }, button('Save scopes.yml', () => void save(), { class: 'primary' })),
  );
}

/** An edit or rollback the API refused, explained. */
export function showRefusal(error: unknown, messages: MessageArea, refresh: () => Promise<void>): void {
  if (!(error instanceof ApiError)) {
    messages.showError(error);
    return;
  }
  switch (error.code) {
    case 'REGISTRY_INVALID_SCOPES':
      messages.show('error', el('strong', {}, 'The edit is refused: scopes.yml would not validate. Nothing was changed.'), problemList(error.problems));
      return;
    case 'REGISTRY_SCOPES_LOCKOUT':
      messages.show('error', el('strong', {}, 'The edit is refused: it would lock every administrator out. Nothing was changed. '), error.message);
      return;
    case 'REGISTRY_REVISION_CONFLICT':
      messages.show(
        'error',
        el('strong', {}, 'scopes.yml changed since you opened it; your edit is not saved. '),
        button('Reload the current version', () => void refresh(), { class: 'primary' }),
      );
      return;
    default:
      messages.show('error', error.message, error.problems.length > 0 ? problemList(error.problems) : null);
  }
}
