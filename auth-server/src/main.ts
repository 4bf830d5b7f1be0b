import { dataDir, DEFAULT_PORTS, envBool, envInt, envString, scopesFile } from '@mcpgw/lib/config/env.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { closeOnSignal } from '@mcpgw/lib/process/run-until-signal.js';
import { startAuthServer } from './start-auth-server.js';
import { tracingOptionFromEnv } from '@mcpgw/lib/telemetry/tracing-settings.js';

const logger = createLogger('auth-server');
try {
  const server = await startAuthServer({
    port: envInt('AUTH_PORT', DEFAULT_PORTS.auth),
    host: envString('HOST', '127.0.0.1'),
    dataDir: dataDir(),
    scopesFile: scopesFile(),
    ...tracingOptionFromEnv(),
    ...usageFromEnv(),
    logger,
  });
  logger.info({ url: server.url, scopesFile: server.scopes.file }, `auth-server listening on ${server.url}`);
  closeOnSignal(server.close, logger);
} catch (error) {
  logger.fatal({ err: error }, `auth-server failed to start: ${(error as Error).message}`);
  process.exit(1);
}

/** USAGE_ANALYTICS (default true): access checks are reported to the registry at REGISTRY_URL. */
function usageFromEnv() {
  if (!envBool('USAGE_ANALYTICS', true)) return {};
  const registryUrl = envString('REGISTRY_URL', `http://127.0.0.1:${envInt('REGISTRY_PORT', DEFAULT_PORTS.registry)}`);
  return { usage: { registryUrl, internalToken: loadInternalToken(dataDir()) } };
}
