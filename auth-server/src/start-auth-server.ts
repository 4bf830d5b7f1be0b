import { createServer } from 'node:http';
import { CHECK_MAX_HEADER_BYTES } from '@mcpgw/lib/check/check-contract.js';
import express from 'express';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { createIdentityVerifier } from '@mcpgw/lib/providers/create-identity-verifier.js';
import { identitySettingsFromEnv, type IdentitySettings } from '@mcpgw/lib/providers/identity-settings.js';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { tokenSettingsFromEnv, type TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';
import { cacheVerifiedTokens, verifiedTokenCacheFromEnv, type VerifiedTokenCacheSettings } from '@mcpgw/lib/tokens/cache-verified-tokens.js';
import { challengeContext } from './challenges/challenge-context.js';
import { validateRouter } from './check/validate-router.js';
import { warmUpProviders } from './providers/warm-up-providers.js';

export interface AuthServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  scopesFile: string;
  tokenSettings?: TokenSettings;
  /** Identity providers, the gateway's public URL, clock skew and JWKS caching; default from the environment. */
  identity?: IdentitySettings;
  /** How long verified tokens are remembered (AUTH_TOKEN_CACHE_SECONDS, AUTH_TOKEN_CACHE_SIZE). */
  tokenCache?: VerifiedTokenCacheSettings;
  logger?: Logger;
}

export interface RunningAuthServer extends RunningServer {
  scopes: ScopesSource;
}

/** Starts the auth-server: GET /validate for data planes, GET /health. */
export async function startAuthServer(options: AuthServerOptions): Promise<RunningAuthServer> {
  const logger = options.logger ?? createLogger('auth-server');
  const identity = options.identity ?? identitySettingsFromEnv();
  const verifier = cacheVerifiedTokens(
    await createIdentityVerifier(options.dataDir, options.tokenSettings ?? tokenSettingsFromEnv(), identity),
    options.tokenCache ?? verifiedTokenCacheFromEnv(),
  );
  const scopes = new ScopesSource(options.scopesFile, logger).watch();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.use(challengeContext({
    gatewayPublicUrl: identity.gatewayPublicUrl,
    scope: [...new Set(identity.providers.flatMap((provider) => provider.scopes))].join(' '),
  }));
  app.use(validateRouter({ verifier, scopes, logger }));
  app.use((_request, response) => {
    response.status(404).json({ error: { code: 'AUTH_NOT_FOUND', message: 'the auth-server answers GET /validate and GET /health' } });
  });

  let running: RunningServer;
  try {
    running = await listen(createServer({ maxHeaderSize: CHECK_MAX_HEADER_BYTES }, app), options.port, options.host);
  } catch (error) {
    scopes.close();
    throw error;
  }
  warmUpProviders(verifier.providers, identity.loginOnly, logger);
  return {
    ...running,
    scopes,
    close: async () => {
      scopes.close();
      await running.close();
    },
  };
}
