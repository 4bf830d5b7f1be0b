import { dataDir, DEFAULT_PORTS, envInt, envString, scopesFile } from '@mcpgw/lib/config/env.js';
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
    logger,
  });
  logger.info({ url: server.url, scopesFile: server.scopes.file }, `auth-server listening on ${server.url}`);
  closeOnSignal(server.close, logger);
} catch (error) {
  logger.fatal({ err: error }, `auth-server failed to start: ${(error as Error).message}`);
  process.exit(1);
}
