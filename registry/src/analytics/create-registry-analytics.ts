import { Router } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import type { ServerService } from '../services/server-service.js';
import type { RegistryStore } from '../store/registry-store.js';
import { ANALYTICS_API_PATH, analyticsRouter } from './analytics-router.js';
import { createAnalyticsService } from './analytics-service.js';
import { auditAdminActions } from './audit-admin-actions.js';
import { auditRouter } from './audit-router.js';
import { createAuditTrail, type AuditTrail } from './audit-trail.js';
import { usageIngestRouter } from './usage-ingest-router.js';
import { DEFAULT_RETENTION_DAYS, startUsageMaintenance, type UsageMaintenance } from './usage-maintenance.js';

export interface AnalyticsSettings {
  /** How long usage records and roll-ups are kept (METRICS_RETENTION_DAYS). */
  retentionDays: number;
}

export const ANALYTICS_DEFAULTS: AnalyticsSettings = { retentionDays: DEFAULT_RETENTION_DAYS };

export interface RegistryAnalytics {
  /** The ingest endpoint, the analytics and audit APIs, and the audit of server and scopes edits; mount before the servers API. */
  router: Router;
  /** For features that record their own administrative actions (peers, token minting). */
  audit: AuditTrail;
  /** Stores one registry search as a `discovery` usage record, off the request path (a failure is logged). */
  recordDiscovery(record: { clientId: string | null; durationMs: number; success: boolean }): void;
  maintenance: UsageMaintenance;
  close(): void;
}

export function createRegistryAnalytics(dependencies: {
  store: Pick<RegistryStore, 'usage' | 'audit'>;
  servers: ServerService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  internalToken: string;
  logger: Logger;
  metrics: Registry;
  settings?: AnalyticsSettings;
}): RegistryAnalytics {
  const { store, verifier, scopes, logger } = dependencies;
  const audit = createAuditTrail(store.audit, logger);
  const records = new Counter({
    name: 'mcp_usage_records_total',
    help: 'Usage records received from gateways and auth-servers: stored, or dropped by their sender',
    labelNames: ['outcome'] as const,
    registers: [dependencies.metrics],
  });
  const router = Router();
  router.use(auditAdminActions({ audit, servers: dependencies.servers, scopesFile: scopes.file }));
  router.use(usageIngestRouter({ usage: store.usage, internalToken: dependencies.internalToken, logger, records }));
  router.use(ANALYTICS_API_PATH, analyticsRouter({ analytics: createAnalyticsService(store.usage), verifier, scopes }));
  router.use(auditRouter({ audit: store.audit, verifier, scopes }));
  const maintenance = startUsageMaintenance({ usage: store.usage, retentionDays: (dependencies.settings ?? ANALYTICS_DEFAULTS).retentionDays, logger });
  const recordDiscovery: RegistryAnalytics['recordDiscovery'] = ({ clientId, durationMs, success }) => {
    const record = { kind: 'discovery' as const, at: new Date().toISOString(), serverPath: null, tool: null, clientId, success, reason: null, durationMs };
    store.usage.append([record]).then(
      () => records.labels('stored').inc(),
      (error: unknown) => logger.warn({ err: error }, 'a discovery usage record could not be stored'),
    );
  };
  return { router, audit, maintenance, recordDiscovery, close: () => maintenance.close() };
}
