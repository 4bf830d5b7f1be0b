import { Router } from 'express';
import { CHECK_PATH, RATE_LIMIT_HEADER } from '@mcpgw/lib/check/check-contract.js';
import { encodeBucketLimit } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import { groupRateLimit } from '@mcpgw/lib/scopes/group-rate-limit.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { decideAccess } from '@mcpgw/lib/scopes/decide-access.js';
import { resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { ingressBearerToken } from '@mcpgw/lib/tokens/bearer.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { insufficientScopeChallenge } from '@mcpgw/lib/tokens/www-authenticate.js';
import { challengeOf } from '../challenges/challenge-context.js';
import { sendError } from '../errors/send-error.js';
import { identityHeaders } from './identity-headers.js';
import { listAllowanceHeaders } from './list-allowance-headers.js';
import { readCheckRequest } from './read-check-request.js';
import { noteAuthReason } from '../telemetry/auth-telemetry.js';

export interface ValidateDependencies {
  verifier: TokenVerifier;
  scopes: ScopesSource;
  logger: Logger;
}

/**
 * GET /validate: the auth_request check (DESIGN 3.2). 200 with identity headers, 401 with a
 * challenge, 403 with a JSON reason. One `auth.decision` log event per call.
 */
export function validateRouter({ verifier, scopes, logger }: ValidateDependencies): Router {
  const router = Router();
  router.get(CHECK_PATH, async (request, response) => {
    const requestId = request.get('x-request-id');
    try {
      const check = readCheckRequest(request);
      const identity = await verifier.verify(ingressBearerToken({
        authorization: request.get('authorization'),
        'x-authorization': request.get('x-authorization'),
      }), { serverPath: check.serverPath });
      const policy = scopes.policy;
      const callerScopes = resolveScopes(policy, identity.groups, identity.tokenScopes);
      const decision = decideAccess(policy, callerScopes, check.serverPath, check.mcp);
      const methods = check.mcp.messages?.map((m) => m.method ?? '(response)');
      logger.info(
        { event: 'auth.decision', requestId, user: identity.user, server: check.serverPath, methods, allowed: decision.allowed, ...(decision.allowed ? {} : { code: decision.code }) },
        'auth.decision',
      );
      if (!decision.allowed) {
        response.set('WWW-Authenticate', insufficientScopeChallenge(decision.reason, challengeOf(response)));
        const { code, reason, method, tool, prompt, uri } = decision;
        noteAuthReason(response, code);
        response.status(403).json({ error: { code, message: reason, method, tool, prompt, uri } });
        return;
      }
      response.set(identityHeaders(identity, callerScopes));
      response.set(listAllowanceHeaders(policy, callerScopes, check.serverPath, check.mcp.messages));
      const rateLimit = groupRateLimit(policy.source, identity.groups);
      if (rateLimit) response.set(RATE_LIMIT_HEADER, encodeBucketLimit(rateLimit));
      response.status(200).end();
    } catch (error) {
      logger.info({ event: 'auth.decision', requestId, allowed: false, code: (error as { code?: string }).code }, 'auth.decision');
      noteAuthReason(response, (error as { code?: string }).code);
      sendError(response, error, logger);
    }
  });
  return router;
}
