import { Router, type Request } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import { parseRating, type RatingService } from '../ratings/rating-service.js';
import type { AgentService } from '../services/agents/agent-service.js';
import { parseServerPath } from '../services/parse-server-input.js';
import type { ServerService } from '../services/server-service.js';
import type { RatingTarget } from '../store/rating-repository.js';
import { agentPathParam, agentViewerOf } from './agents-router.js';
import { jsonBody } from './json-body.js';
import { viewerOf } from './viewer-of.js';

export interface RatingsRouterDependencies {
  ratings: RatingService;
  servers: ServerService;
  agents: AgentService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
}

/**
 * POST/GET /api/servers/{path}/rating and /api/agents/{path}/rating: one rating (1-5 stars) per
 * user per item, a re-rating replaces it. Whoever may see an item (list_service / get_agent and
 * its visibility) may rate it. Mounted before the servers and agents routers.
 */
export function ratingsRouter(dependencies: RatingsRouterDependencies): Router {
  const { ratings, servers, agents, verifier, scopes } = dependencies;
  const router = Router();
  const authenticate = authenticateCaller(verifier, scopes);
  const body = jsonBody();

  const serverTarget = async (request: Request, caller: Caller): Promise<RatingTarget> => {
    const path = parseServerPath(pathText(request));
    requireAction(caller, 'list_service', path);
    await servers.getVisible(path, viewerOf(caller));
    return { kind: 'server', path };
  };
  const agentTarget = async (request: Request, caller: Caller): Promise<RatingTarget> => {
    const path = agentPathParam(request);
    requireAction(caller, 'get_agent', path);
    await agents.getVisible(path, agentViewerOf(caller));
    return { kind: 'agent', path };
  };

  for (const [prefix, targetOf] of [['/api/servers', serverTarget], ['/api/agents', agentTarget]] as const) {
    router.get(`${prefix}/*path/rating`, authenticate, async (request, response) => {
      const caller = callerOf(response);
      response.json(await ratings.view(await targetOf(request, caller), caller.identity.user));
    });
    router.post(`${prefix}/*path/rating`, authenticate, body, async (request, response) => {
      const caller = callerOf(response);
      const target = await targetOf(request, caller);
      response.json(await ratings.rate(target, caller.identity.user, parseRating(request.body)));
    });
  }
  return router;
}

function pathText(request: Request): string {
  const raw = (request.params as Record<string, unknown>).path;
  return Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
}
