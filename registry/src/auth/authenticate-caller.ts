import type { RequestHandler, Response } from 'express';
import { resolveScopes, type CompiledPolicy } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { ingressBearerToken } from '@mcpgw/lib/tokens/bearer.js';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import { refuseTokenInQuery } from '@mcpgw/lib/tokens/query-token.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { sessionIdentity } from '../login/session-caller.js';

/** Who is calling, and the policy in force when the request arrived (one policy per request). */
export interface Caller {
  identity: Identity;
  scopes: string[];
  policy: CompiledPolicy;
}

/**
 * Verifies the bearer token of every request through it and records the caller; a missing or bad
 * token, or one sent in the query string, reaches the error handler as a TokenError (401). Without
 * a bearer token, a login session (sessionContext) identifies the caller the same way, unless
 * `acceptSession` is false (endpoints meant for machines only, such as federation).
 */
export function authenticateCaller(verifier: TokenVerifier, scopes: ScopesSource, { acceptSession = true } = {}): RequestHandler {
  return async (request, response, next) => {
    refuseTokenInQuery(request.originalUrl);
    const identity =
      (acceptSession ? sessionIdentity(request, response) : undefined) ??
      (await verifier.verify(ingressBearerToken({ authorization: request.get('authorization'), 'x-authorization': request.get('x-authorization') })));
    const policy = scopes.policy;
    const caller: Caller = { identity, scopes: resolveScopes(policy, identity.groups, identity.tokenScopes), policy };
    response.locals.caller = caller;
    next();
  };
}

/** The caller recorded by authenticateCaller. */
export function callerOf(response: Response): Caller {
  const caller = response.locals.caller as Caller | undefined;
  if (caller === undefined) throw new Error('callerOf used on a route without authenticateCaller');
  return caller;
}
