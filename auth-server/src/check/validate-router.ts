import { Router } from 'express';
import { ALLOWED_TOOLS_HEADER, CHECK_PATH, encodeAllowedTools } from '@mcpgw/lib/check/check-contract.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { allowedTools, decideAccess } from '@mcpgw/lib/scopes/decide-access.js';
import { resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { ingressBearerToken } from '@mcpgw/lib/tokens/bearer.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { sendError } from '../errors/send-error.js';
import { identityHeaders } from './identity-headers.js';
import { readCheckRequest } from './read-check-request.js';

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
      }));
      const policy = scopes.policy;
      const callerScopes = resolveScopes(policy, identity.groups, identity.tokenScopes);
      const decision = decideAccess(policy, callerScopes, check.serverPath, check.mcp);
      const methods = check.mcp.messages?.map((m) => m.method ?? '(response)');
      logger.info(
        { event: 'auth.decision', requestId, user: identity.user, server: check.serverPath, methods, allowed: decision.allowed, ...(decision.allowed ? {} : { code: decision.code }) },
        'auth.decision',
      );
      if (!decision.allowed) {
        response.status(403).json({ error: { code: decision.code, message: decision.reason, method: decision.method, tool: decision.tool } });
        return;
      }
      response.set(identityHeaders(identity, callerScopes));
      if (check.mcp.messages?.some((m) => m.method === 'tools/list')) {
        response.set(ALLOWED_TOOLS_HEADER, encodeAllowedTools(allowedTools(policy, callerScopes, check.serverPath)));
      }
      response.status(200).end();
    } catch (error) {
      logger.info({ event: 'auth.decision', requestId, allowed: false, code: (error as { code?: string }).code }, 'auth.decision');
      sendError(response, error, logger);
    }
  });
  return router;
}
