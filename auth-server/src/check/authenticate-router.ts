import { Router } from 'express';
import { AUTHENTICATE_PATH, CHECK_REQUEST_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { ingressBearerToken } from '@mcpgw/lib/tokens/bearer.js';
import { refuseTokenInQuery } from '@mcpgw/lib/tokens/query-token.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { sendError } from '../errors/send-error.js';
import { identityHeaders } from './identity-headers.js';

export interface AuthenticateDependencies {
  verifier: TokenVerifier;
  scopes: ScopesSource;
  logger: Logger;
}

/** GET /authenticate: the caller's identity headers for a valid token (200), or 401 with a challenge; grants nothing. */
export function authenticateRouter({ verifier, scopes, logger }: AuthenticateDependencies): Router {
  const router = Router();
  router.get(AUTHENTICATE_PATH, async (request, response) => {
    const requestId = request.get('x-request-id');
    try {
      refuseTokenInQuery(request.get(CHECK_REQUEST_HEADERS.originalUrl));
      const identity = await verifier.verify(ingressBearerToken({
        authorization: request.get('authorization'),
        'x-authorization': request.get('x-authorization'),
      }), {});
      const callerScopes = resolveScopes(scopes.policy, identity.groups, identity.tokenScopes);
      logger.debug({ event: 'auth.authenticated', requestId, user: identity.user }, 'auth.authenticated');
      response.set(identityHeaders(identity, callerScopes));
      response.status(200).end();
    } catch (error) {
      logger.info({ event: 'auth.authenticated', requestId, allowed: false, code: (error as { code?: string }).code }, 'auth.authenticated');
      sendError(response, error, logger);
    }
  });
  return router;
}
