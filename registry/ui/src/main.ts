import { el, replaceChildren } from './dom.js';
import { currentRoute, navigate, onNavigate, uiUrl } from './navigation.js';
import { renderConnectPage } from './pages/connect-page.js';
import { renderMePage } from './pages/me-page.js';
import { renderScopesPage } from './pages/scopes-page.js';
import { renderServerFormPage } from './pages/server-form-page.js';
import { renderServersPage } from './pages/servers-page.js';
import { renderSignInPage } from './pages/sign-in-page.js';
import { hasSession, loadSignedIn, signOut } from './session.js';
import type { Me } from './types.js';
import { button, link, notice } from './widgets.js';

const gatewayUrl = document.querySelector<HTMLMetaElement>('meta[name="mcpgw-gateway-url"]')?.content ?? '';
const view = document.getElementById('view') as HTMLElement;
const account = document.getElementById('account') as HTMLElement;
let me: Me | undefined;

/** The server path at the end of a route such as `/servers/edit/team/weather`. */
function serverPathOf(route: string, prefix: string): string | undefined {
  if (!route.startsWith(`${prefix}/`)) return undefined;
  try {
    return `/${route.slice(prefix.length + 1).split('/').map(decodeURIComponent).join('/')}`;
  } catch {
    return undefined;
  }
}

/** The header's links open pages without reloading, and mark the current one. */
function wireNavigation(): void {
  for (const anchor of document.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
    anchor.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(anchor.dataset.route ?? '/');
    });
  }
}

function markCurrent(route: string): void {
  for (const anchor of document.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
    const target = anchor.dataset.route ?? '/';
    const current = target === '/' ? route === '/' || route.startsWith('/servers') || route.startsWith('/connect') : route.startsWith(target);
    if (current) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
}

async function render(): Promise<void> {
  const route = currentRoute();
  markCurrent(route);
  const page = el('div', { class: 'page' });
  replaceChildren(view, page);
  if (route === '/sign-in') {
    await renderSignInPage(page, (next) => void start(next));
    return;
  }
  if (me === undefined) {
    navigate(route === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(uiUrl(route))}`);
    return;
  }
  const editPath = serverPathOf(route, '/servers/edit');
  const connectPath = serverPathOf(route, '/connect');
  if (route === '/' || route === '/servers') await renderServersPage(page, me);
  else if (route === '/servers/new') await renderServerFormPage(page, undefined);
  else if (editPath !== undefined) await renderServerFormPage(page, editPath);
  else if (connectPath !== undefined) await renderConnectPage(page, connectPath, gatewayUrl);
  else if (route === '/scopes') await renderScopesPage(page);
  else if (route === '/me') renderMePage(page, me);
  else replaceChildren(page, notice('error', 'There is no such page. '), link('/', 'Go to the servers'));
}

function renderAccount(): void {
  if (me === undefined) {
    replaceChildren(account, link('/sign-in', 'Sign in'));
    return;
  }
  const current = me;
  replaceChildren(
    account,
    link('/me', current.username, { class: 'who', title: `Groups: ${current.groups.join(', ')}` }),
    hasSession() ? button('Sign out', () => void leave(), { class: 'link' }) : null,
  );
}

async function leave(): Promise<void> {
  try {
    const next = await signOut();
    me = undefined;
    if (next !== undefined && next !== '/' && /^https?:\/\//.test(next)) {
      location.assign(next);
      return;
    }
  } catch {
    me = undefined;
  }
  renderAccount();
  navigate('/sign-in');
}

async function start(route?: string): Promise<void> {
  try {
    me = await loadSignedIn();
  } catch (error) {
    replaceChildren(view, notice('error', error instanceof Error ? error.message : String(error)));
    return;
  }
  renderAccount();
  if (route !== undefined) navigate(route);
  else await render();
}

wireNavigation();
onNavigate(() => {
  void render().then(() => {
    // After a page change, keyboard and screen reader users start at the new page's heading.
    view.querySelector<HTMLElement>('h1')?.focus();
  });
});
void start();
