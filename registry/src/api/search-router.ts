import { Router } from 'express';
import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import { parseSearchQuery } from '../search/parse-search-query.js';
import type { SearchCorpus, SearchService } from '../search/search-service.js';
import type { AgentService } from '../services/agents/agent-service.js';
import type { ServerService } from '../services/server-service.js';
import { agentViewerOf } from './agents-router.js';
import { viewerOf } from './viewer-of.js';

export const SEARCH_API_PATH = '/api/search';

export interface SearchRouterDependencies {
  search: SearchService;
  servers: ServerService;
  agents: AgentService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  /** Records each search as a `discovery` usage record (usage analytics); none when absent. */
  recordDiscovery?: (record: { clientId: string | null; durationMs: number; success: boolean }) => void;
}

/**
 * GET /api/search?q=…&type=server|tool|agent&limit=…: servers, their tools and agents ranked by
 * keyword and (when configured) vector similarity, among what the caller may see only: servers
 * it may list_service (and their tools), agents it may list_agents, each within its visibility.
 */
export function searchRouter({ search, servers, agents, verifier, scopes, recordDiscovery }: SearchRouterDependencies): Router {
  const router = Router();
  router.get(SEARCH_API_PATH, authenticateCaller(verifier, scopes), async (request, response) => {
    const caller = callerOf(response);
    const query = parseSearchQuery(request.query as Record<string, unknown>);
    const started = performance.now();
    const answer = await search.search(query, await visibleCorpus(caller, servers, agents));
    recordDiscovery?.({ clientId: caller.identity.clientId ?? null, durationMs: performance.now() - started, success: true });
    response.json({ query: query.query, types: query.types, mode: answer.mode, results: answer.results });
  });
  return router;
}

/** The servers and agents a caller may see through the API. */
export async function visibleCorpus(caller: Caller, servers: ServerService, agents: AgentService): Promise<SearchCorpus> {
  const may = (action: 'list_service' | 'list_agents', path: string) => allowsUiAction(caller.policy, caller.scopes, action, path);
  return {
    servers: (await servers.listVisible(viewerOf(caller))).filter((server) => may('list_service', server.path)),
    agents: (await agents.listVisible(agentViewerOf(caller))).filter((agent) => may('list_agents', agent.path)),
  };
}
