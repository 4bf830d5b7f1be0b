import { api } from '../api-client.js';
import { el, replaceChildren } from '../dom.js';
import { button, messageArea } from '../widgets.js';

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  groups: string[];
  scope: string;
}

const LIFETIMES = [
  ['15m', '15 minutes'],
  ['1h', '1 hour'],
  ['8h', '8 hours'],
] as const;

/**
 * A gateway token for the signed-in person (POST /api/tokens): their own groups and scopes, shown
 * once on this page and kept nowhere by the UI.
 */
export function tokenPanel(): HTMLElement {
  const messages = messageArea();
  const lifetime = el('select', { id: 'token-ttl', name: 'ttl' }, ...LIFETIMES.map(([value, label]) => el('option', { value }, label)));
  const result = el('div', { class: 'token-result' });
  const create = async (): Promise<void> => {
    messages.clear();
    replaceChildren(result);
    try {
      const { body } = await api<TokenAnswer>('POST', '/api/tokens', { json: { ttl: lifetime.value } });
      const field = el('input', { type: 'text', id: 'token-value', readonly: true, 'aria-label': 'Your token', autocomplete: 'off', spellcheck: 'false' });
      field.value = body.access_token;
      replaceChildren(
        result,
        field,
        button('Copy', () => {
          void navigator.clipboard.writeText(body.access_token).then(
            () => messages.show('success', 'The token is copied.'),
            () => messages.show('error', 'The browser refused to copy; select the token and copy it by hand.'),
          );
        }),
        el('p', { class: 'hint' }, `Valid for ${Math.round(body.expires_in / 60)} minutes, for your groups (${body.groups.join(', ') || 'none'}). It is shown only here; create another when it expires.`),
      );
    } catch (error) {
      messages.showError(error);
    }
  };
  return el(
    'section',
    { class: 'token-panel', 'aria-label': 'Gateway token' },
    el('h2', {}, 'A token for your assistant'),
    el('p', { class: 'hint' }, 'Paste it where the connection snippets say <YOUR_TOKEN>.'),
    messages.element,
    el('div', { class: 'actions' }, el('label', { for: 'token-ttl' }, 'Valid for'), lifetime, button('Create a token', () => void create(), { class: 'primary' })),
    result,
  );
}
