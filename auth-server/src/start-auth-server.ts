import { createServer } from 'node:http';
import express from 'express';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { createRegistryTokenVerifier, type TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { tokenSettingsFromEnv, type TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';
import { validateRouter } from './check/validate-router.js';

export interface AuthServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  scopesFile: string;
  tokenSettings?: TokenSettings;
  logger?: Logger;
}

export interface RunningAuthServer extends RunningServer {
  scopes: ScopesSource;
}

/** Starts the auth-server: GET /validate for data planes, GET /health. */
export async function startAuthServer(options: AuthServerOptions): Promise<RunningAuthServer> {
  const logger = options.logger ?? createLogger('auth-server');
  const scopes = new ScopesSource(options.scopesFile, logger).watch();
  const verifier: TokenVerifier = await createRegistryTokenVerifier(options.dataDir, options.tokenSettings ?? tokenSettingsFromEnv());

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.use(validateRouter({ verifier, scopes, logger }));
  app.use((_request, response) => {
    response.status(404).json({ error: { code: 'AUTH_NOT_FOUND', message: 'the auth-server answers GET /validate and GET /health' } });
  });

  const running = await listen(createServer(app), options.port, options.host);
  return {
    ...running,
    scopes,
    close: async () => {
      scopes.close();
      await running.close();
    },
  };
}
