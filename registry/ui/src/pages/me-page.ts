import { el, replaceChildren } from '../dom.js';
import type { Me } from '../types.js';
import { pageHeader } from '../widgets.js';
import { tokenPanel } from './token-panel.js';

/** Who the registry takes the caller for: user, groups, scopes, and what the scopes allow. */
export function renderMePage(view: HTMLElement, me: Me): void {
  const row = (label: string, value: string): HTMLElement[] => [el('dt', {}, label), el('dd', {}, value || '—')];
  replaceChildren(
    view,
    pageHeader('Who am I'),
    el(
      'dl',
      { class: 'identity' },
      ...row('User', me.user),
      ...row('Name', me.username),
      ...row('Groups', me.groups.join(', ')),
      ...row('Scopes', me.scopes.join(', ')),
      ...row('Signed in with', me.auth_method),
    ),
    el('h2', {}, 'What you may do in the registry'),
    el(
      'ul',
      { class: 'actions-granted' },
      ...Object.entries(me.actions).map(([action, grant]) => el('li', {}, el('code', {}, action), ': ', grant === 'all' ? 'all servers' : (grant ?? []).join(', '))),
    ),
    tokenPanel(),
  );
}
