import { compilePolicy } from '@mcpgw/lib/scopes/compile-policy.js';
import { UI_ACTIONS } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { ScopesFile } from '@mcpgw/lib/scopes/scopes-schema.js';

/** The groups whose scopes together grant every registry action (UI_ACTIONS) on all servers. */
export function administratorGroups(file: ScopesFile): string[] {
  const policy = compilePolicy(file);
  const grantsAll = (scopes: readonly string[], action: (typeof UI_ACTIONS)[number]): boolean =>
    scopes.some((scope) => policy.uiGrants.get(scope)?.get(action)?.all === true);
  return [...policy.groupScopes]
    .filter(([, scopes]) => UI_ACTIONS.every((action) => grantsAll(scopes, action)))
    .map(([group]) => group);
}
