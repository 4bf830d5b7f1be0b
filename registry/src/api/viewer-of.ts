import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { Caller } from '../auth/authenticate-caller.js';
import type { ServerViewer } from '../services/server-visibility.js';

/** The caller as a viewer of servers: its token's groups, and where its scopes grant modify_service. */
export function viewerOf(caller: Caller): ServerViewer {
  return {
    groups: caller.identity.groups,
    mayModify: (path) => allowsUiAction(caller.policy, caller.scopes, 'modify_service', path),
  };
}
