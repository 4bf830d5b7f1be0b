import { api, ApiError, setCsrfToken } from '../api-client.js';
import { append, el, replaceChildren } from '../dom.js';
import { UI_BASE } from '../navigation.js';
import { link, messageArea, pageHeader, type MessageArea } from '../widgets.js';

interface ProvidersAnswer {
  providers: Array<{ name: string; display_name: string; login_url: string }>;
  local_login: boolean;
}

/**
 * Signing in: a button per identity provider (the registry runs the login and comes back with a
 * session cookie) and, when it is on, the local administrator's user name and password. Either way
 * the browser returns to the page of the UI it wanted (`?next=/ui/...`).
 */
export async function renderSignInPage(view: HTMLElement, onSignedIn: (route: string) => void): Promise<void> {
  const next = nextPage();
  const messages = messageArea();
  replaceChildren(view, pageHeader('Sign in'), messages.element);
  let answer: ProvidersAnswer;
  try {
    answer = (await api<ProvidersAnswer>('GET', '/oauth2/providers')).body;
  } catch (error) {
    messages.show('error', 'This registry offers no login page', error instanceof ApiError ? ` (${error.message})` : '', '. Call the API with a bearer token (npx mcpgw token).');
    return;
  }
  const providers = answer.providers.filter((provider) => /^\/[^/\\]/.test(provider.login_url));
  append(
    view,
    ...providers.map((provider) =>
      el('p', {}, el('a', { class: 'button primary', href: `${provider.login_url}?next=${encodeURIComponent(next)}` }, `Sign in with ${provider.display_name}`)),
    ),
    answer.local_login ? adminForm(messages, () => onSignedIn(next.slice(UI_BASE.length) || '/')) : null,
    providers.length === 0 && !answer.local_login ? el('p', {}, 'No login is configured; set ADMIN_USER and ADMIN_PASSWORD or an identity provider.') : null,
    el('p', {}, link('/', 'Back to the registry')),
  );
}

function adminForm(messages: MessageArea, onSignedIn: () => void): HTMLFormElement {
  const username = el('input', { type: 'text', id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true });
  const form = el(
    'form',
    { class: 'login-form', 'aria-label': 'Local administrator' },
    el('h2', {}, 'Local administrator'),
    el('div', { class: 'field' }, el('label', { for: 'login-username' }, 'User name'), username),
    el('div', { class: 'field' }, el('label', { for: 'login-password' }, 'Password'), password),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    messages.clear();
    api<{ csrf_token: string }>('POST', '/oauth2/login', { json: { username: username.value, password: password.value } })
      .then(({ body }) => {
        setCsrfToken(body.csrf_token);
        password.value = '';
        onSignedIn();
      })
      .catch((error: unknown) => messages.show('error', error instanceof Error ? error.message : String(error)));
  });
  return form;
}

/** The page of the UI to return to after signing in: `?next=` when it is a page of the UI, else the start. */
function nextPage(): string {
  const next = new URLSearchParams(location.search).get('next') ?? '';
  return /^\/ui\/[A-Za-z0-9._~\/-]*$/.test(next) && !next.includes('//') && !next.startsWith(`${UI_BASE}/sign-in`) ? next : `${UI_BASE}/`;
}
