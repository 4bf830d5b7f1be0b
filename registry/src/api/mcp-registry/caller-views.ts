import { allowsUiAction, matchingEntries } from '@mcpgw/lib/scopes/compile-policy.js';
import type { Caller } from '../../auth/authenticate-caller.js';
import type { CallerView } from '../../services/mcp-registry/mcp-registry-service.js';
import { viewerOf } from '../viewer-of.js';

/** The servers a caller may see in the registry: visible to it and granted by list_service, as in GET /api/servers. */
export function visibleTo(caller: Caller): CallerView {
  return { viewer: viewerOf(caller), allows: (serverPath) => allowsUiAction(caller.policy, caller.scopes, 'list_service', serverPath) };
}

/** The servers a caller may use: those it may see that a server entry of its scopes matches, so the gateway lets it in. */
export function usableBy(caller: Caller): CallerView {
  const { viewer, allows } = visibleTo(caller);
  return { viewer, allows: (serverPath) => allows(serverPath) && matchingEntries(caller.policy, caller.scopes, serverPath).length > 0 };
}
