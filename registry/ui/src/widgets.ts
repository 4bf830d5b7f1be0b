import { ApiError, type Problem } from './api-client.js';
import { el, replaceChildren, type Child } from './dom.js';
import { navigate, uiUrl } from './navigation.js';

/** A link to a page of the UI, followed without reloading the page. */
export function link(route: string, text: string, props: Record<string, string> = {}): HTMLAnchorElement {
  return el('a', {
    ...props,
    href: uiUrl(route),
    onclick: (event) => {
      const mouse = event as MouseEvent;
      if (mouse.button !== 0 || mouse.ctrlKey || mouse.metaKey || mouse.shiftKey || mouse.altKey) return;
      event.preventDefault();
      navigate(route);
    },
  }, text);
}

export function button(text: string, onClick: () => void, props: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { type: 'button', ...props, onclick: onClick }, text);
}

export type NoticeKind = 'error' | 'success' | 'info';

/** A message box: errors are alerts for assistive technology, the others status messages. */
export function notice(kind: NoticeKind, ...children: Child[]): HTMLDivElement {
  return el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** Where a page shows the outcome of its last action. */
export interface MessageArea {
  element: HTMLDivElement;
  show(kind: NoticeKind, ...children: Child[]): void;
  /** A failed call: its message, and a way to sign in again when the session is gone. */
  showError(error: unknown): void;
  clear(): void;
}

export function messageArea(): MessageArea {
  const element = el('div', { class: 'messages' });
  const show = (kind: NoticeKind, ...children: Child[]): void => replaceChildren(element, notice(kind, ...children));
  return {
    element,
    show,
    showError: (error) => {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof ApiError && error.status === 401) show('error', 'You are not signed in (or your session ended). ', link('/sign-in', 'Sign in'));
      else show('error', message);
    },
    clear: () => replaceChildren(element),
  };
}

/** Problems the API reported, each with where it is. */
export function problemList(problems: readonly Problem[]): HTMLUListElement {
  return el('ul', { class: 'problems' }, ...problems.map((problem) => el('li', {}, problem.path ? el('code', {}, problem.path) : null, problem.path ? ': ' : '', problem.message)));
}

/**
 * A modal confirmation built from text; resolves true when confirmed. A <dialog> rather than
 * window.confirm, so the page keeps control and nothing blocks.
 */
export function confirmDialog(question: Child | Child[], confirmText: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = el('dialog', { class: 'confirm', 'aria-label': confirmText });
    const close = (answer: boolean): void => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.addEventListener('cancel', () => close(false));
    replaceChildren(
      dialog,
      el('p', {}, ...(Array.isArray(question) ? question : [question])),
      el('div', { class: 'actions' }, button(confirmText, () => close(true), { class: 'danger' }), button('Cancel', () => close(false))),
    );
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

/** A page's heading with actions beside it; it names the window too. */
export function pageHeader(title: string, ...actions: Child[]): HTMLElement {
  document.title = `${title} · MCP Gateway Registry`;
  return el('div', { class: 'page-header' }, el('h1', { tabindex: -1 }, title), el('div', { class: 'actions' }, ...actions));
}

/** Comma-separated text as a list, blanks dropped. */
export function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}
