import { Router } from 'express';
import type { CompiledPolicy } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { UI_ACTIONS, type UiAction } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';

export const ME_API_PATH = '/api/me';

/** Where the caller's scopes grant an action: on all servers, or on these paths. */
export type ActionGrant = 'all' | string[];

/**
 * GET /api/me: who the caller is (user, groups, scopes, how it signed in) and the registry actions
 * its scopes grant, so that a client shows only what the caller may do. The API still decides.
 */
export function meRouter({ verifier, scopes }: { verifier: TokenVerifier; scopes: ScopesSource }): Router {
  const router = Router();
  router.get('/', authenticateCaller(verifier, scopes), (_request, response) => {
    const { identity, scopes: callerScopes, policy } = callerOf(response);
    response.set('Cache-Control', 'no-store').json({
      user: identity.user,
      username: identity.username,
      groups: identity.groups,
      scopes: callerScopes,
      auth_method: identity.authMethod,
      actions: grantedActions(policy, callerScopes),
    });
  });
  return router;
}

function grantedActions(policy: CompiledPolicy, callerScopes: readonly string[]): Partial<Record<UiAction, ActionGrant>> {
  const actions: Partial<Record<UiAction, ActionGrant>> = {};
  for (const action of UI_ACTIONS) {
    const paths = new Set<string>();
    let all = false;
    for (const scope of callerScopes) {
      const grant = policy.uiGrants.get(scope)?.get(action);
      if (grant === undefined) continue;
      all ||= grant.all;
      for (const path of grant.paths) paths.add(path);
    }
    if (all) actions[action] = 'all';
    else if (paths.size > 0) actions[action] = [...paths].sort();
  }
  return actions;
}
