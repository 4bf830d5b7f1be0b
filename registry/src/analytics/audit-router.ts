import { Router } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import type { AuditRepository } from '../store/audit-repository.js';
import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import { callerSight } from './caller-sight.js';
import { parseAnalyticsQuery } from './parse-analytics-query.js';

export const AUDIT_API_PATH = '/api/audit';

/**
 * GET /api/audit?from=&to=: the audit log as JSON lines (one entry per line, oldest first). Server
 * entries show only for servers the caller may list; scopes entries need view_scopes; other entries
 * (peers, tokens) need list_service on all servers.
 */
export function auditRouter({ audit, verifier, scopes }: { audit: AuditRepository; verifier: TokenVerifier; scopes: ScopesSource }): Router {
  const router = Router();
  router.get(AUDIT_API_PATH, authenticateCaller(verifier, scopes), async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_service');
    const { range } = parseAnalyticsQuery(request.query as Record<string, unknown>);
    const sees = callerSight(caller);
    const seesScopes = allowsUiAction(caller.policy, caller.scopes, 'view_scopes');
    const entries = (await audit.list(range)).filter((entry) => {
      if (entry.action.startsWith('server.')) return sees(entry.target);
      if (entry.action.startsWith('scopes.')) return seesScopes;
      return sees(null);
    });
    response.set('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.set('Content-Disposition', 'attachment; filename="audit.jsonl"');
    response.send(entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length > 0 ? '\n' : ''));
  });
  return router;
}
