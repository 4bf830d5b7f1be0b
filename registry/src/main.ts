import { dataDir, DEFAULT_PORTS, envInt, envOptional, envString, scopesFile } from '@mcpgw/lib/config/env.js';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { closeOnSignal } from '@mcpgw/lib/process/run-until-signal.js';
import { startRegistry } from './start-registry.js';
import { tracingOptionFromEnv } from '@mcpgw/lib/telemetry/tracing-settings.js';
import { ANALYTICS_DEFAULTS } from './analytics/create-registry-analytics.js';

const logger = createLogger('registry');
try {
  const registry = await startRegistry({
    port: envInt('REGISTRY_PORT', DEFAULT_PORTS.registry),
    host: envString('HOST', '127.0.0.1'),
    dataDir: dataDir(),
    ...databaseFromEnv(),
    scopesFile: scopesFile(),
    ...tracingOptionFromEnv(),
    analytics: { retentionDays: retentionDaysFromEnv() },
    logger,
  });
  logger.info({ url: registry.url }, `registry listening on ${registry.url}`);
  closeOnSignal(registry.close, logger);
} catch (error) {
  logger.fatal({ err: error }, `registry failed to start: ${(error as Error).message}`);
  process.exit(1);
}

/** DATABASE_URL (postgres://…): PostgreSQL instead of SQLite under DATA_DIR. */
function databaseFromEnv(): { database?: { url: string } } {
  const url = envOptional('DATABASE_URL');
  return url === undefined ? {} : { database: { url } };
}

/** METRICS_RETENTION_DAYS: how long usage records are kept, at least one day. */
function retentionDaysFromEnv(): number {
  const days = envInt('METRICS_RETENTION_DAYS', ANALYTICS_DEFAULTS.retentionDays);
  if (days < 1) throw new Error('METRICS_RETENTION_DAYS must be at least 1');
  return days;
}
