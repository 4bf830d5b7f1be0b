import { Router } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import type { AnalyticsService } from './analytics-service.js';
import { parseAnalyticsQuery } from './parse-analytics-query.js';

export const ANALYTICS_API_PATH = '/api/analytics';

export interface AnalyticsRouterDependencies {
  analytics: AnalyticsService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
}

/**
 * /api/analytics: usage over a time range (`from`, `to`), only of the servers the caller may list.
 * Every answer carries the range it covers.
 */
export function analyticsRouter({ analytics, verifier, scopes }: AnalyticsRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes));
  const answer = (name: string, run: (caller: ReturnType<typeof callerOf>, query: ReturnType<typeof parseAnalyticsQuery>) => Promise<unknown>) =>
    router.get(`/${name}`, async (request, response) => {
      const caller = callerOf(response);
      requireAction(caller, 'list_service');
      const query = parseAnalyticsQuery(request.query as Record<string, unknown>);
      const items = await run(caller, query);
      response.json({ from: query.range.from.toISOString(), to: query.range.to.toISOString(), items });
    });
  answer('top-tools', (caller, query) => analytics.topTools(caller, query.range, query.limit));
  answer('success-rates', (caller, query) => analytics.successRates(caller, query.range));
  answer('latency', (caller, query) => analytics.latency(caller, query.range));
  answer('clients', (caller, query) => analytics.clients(caller, query.range));
  answer('auth-failures', (caller, query) => analytics.authFailures(caller, query.range));
  answer('rollups', (caller, query) => analytics.rollups(caller, query.period, query.range));
  return router;
}
