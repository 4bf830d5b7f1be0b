export const UI_BASE = '/ui';

type Listener = () => void;
const listeners: Listener[] = [];

/** The page's path below /ui, e.g. `/servers/new`; `/` for the start page. */
export function currentRoute(): string {
  const path = location.pathname.startsWith(`${UI_BASE}/`) ? location.pathname.slice(UI_BASE.length) : '/';
  return path === '' ? '/' : path;
}

/** The URL of a page of the UI. */
export function uiUrl(route: string): string {
  return `${UI_BASE}${route}`;
}

/** A server path as part of a UI route, each segment encoded: `/team/weather` -> `/team/weather`. */
export function serverRoute(prefix: string, serverPath: string): string {
  return `${prefix}${serverPath.split('/').map(encodeURIComponent).join('/')}`;
}

/** Shows another page without reloading. */
export function navigate(route: string): void {
  history.pushState(null, '', uiUrl(route));
  for (const listener of listeners) listener();
}

export function onNavigate(listener: Listener): void {
  listeners.push(listener);
  window.addEventListener('popstate', listener);
}
