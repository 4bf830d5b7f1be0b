import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { Caller } from '../auth/authenticate-caller.js';

/**
 * Which usage a caller may see: that of the servers it may list (list_service in UI-Scopes). Usage
 * tied to no server (a refused check before routing, a server since deleted and never granted by
 * path) only to a caller granted list_service on all servers.
 */
export function callerSight(caller: Caller): (serverPath: string | null) => boolean {
  const seesAll = caller.scopes.some((scope) => caller.policy.uiGrants.get(scope)?.get('list_service')?.all === true);
  const cache = new Map<string, boolean>();
  return (serverPath) => {
    if (seesAll) return true;
    if (serverPath === null) return false;
    let allowed = cache.get(serverPath);
    if (allowed === undefined) {
      allowed = allowsUiAction(caller.policy, caller.scopes, 'list_service', serverPath);
      cache.set(serverPath, allowed);
    }
    return allowed;
  };
}
