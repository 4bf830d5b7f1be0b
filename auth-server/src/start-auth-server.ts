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
import { authenticateRouter } from './check/authenticate-router.js';
import { warmUpProviders } from './providers/warm-up-providers.js';
import { CHECK_PATH } from '@mcpgw/lib/check/check-contract.js';
import { createMetricsRegistry } from '@mcpgw/lib/telemetry/metrics-registry.js';
import { METRICS_PATH, serveMetrics } from '@mcpgw/lib/telemetry/serve-metrics.js';
import { createTracing } from '@mcpgw/lib/telemetry/tracing.js';
import type { TracingSettings } from '@mcpgw/lib/telemetry/tracing-settings.js';
import { authTelemetry } from './telemetry/auth-telemetry.js';
import { defineUsageReportMetrics } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { createUsageReporter } from '@mcpgw/lib/telemetry/usage-reporter.js';

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
  /** Where spans go over OTLP/HTTP; undefined makes none. */
  tracing?: TracingSettings;
  /** Reports every access check to the registry for usage analytics. */
  usage?: { registryUrl: string; internalToken: string; flushIntervalMs?: number };
  logger?: Logger;
}

export interface RunningAuthServer extends RunningServer {
  scopes: ScopesSource;
}

/** Starts the auth-server: GET /validate for data planes, GET /health, GET /metrics (Prometheus). */
export async function startAuthServer(options: AuthServerOptions): Promise<RunningAuthServer> {
  const logger = options.logger ?? createLogger('auth-server');
  const identity = options.identity ?? identitySettingsFromEnv();
  const verifier = cacheVerifiedTokens(
    await createIdentityVerifier(options.dataDir, options.tokenSettings ?? tokenSettingsFromEnv(), identity),
    options.tokenCache ?? verifiedTokenCacheFromEnv(),
  );
  const scopes = new ScopesSource(options.scopesFile, logger).watch();

  const metrics = createMetricsRegistry();
  const tracing = createTracing('mcp-auth-server', options.tracing);
  const answerMetrics = serveMetrics(metrics);
  const dropped = defineUsageReportMetrics(metrics).dropped;
  const usage = options.usage && createUsageReporter({ ...options.usage, logger, onDropped: (count) => dropped.inc(count) });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get(METRICS_PATH, (request, response) => {
    answerMetrics(request, response);
  });
  app.get(CHECK_PATH, authTelemetry(metrics, tracing, usage));
  app.use(challengeContext({
    gatewayPublicUrl: identity.gatewayPublicUrl,
    scope: [...new Set(identity.providers.flatMap((provider) => provider.scopes))].join(' '),
  }));
  app.use(validateRouter({ verifier, scopes, logger }));
  app.use(authenticateRouter({ verifier, scopes, logger }));
  app.use((_request, response) => {
    response.status(404).json({ error: { code: 'AUTH_NOT_FOUND', message: 'the auth-server answers GET /validate and GET /health' } });
  });

  let running: RunningServer;
  try {
    running = await listen(createServer({ maxHeaderSize: CHECK_MAX_HEADER_BYTES }, app), options.port, options.host);
  } catch (error) {
    scopes.close();
    await usage?.close();
    await tracing?.shutdown();
    throw error;
  }
  warmUpProviders(verifier.providers, identity.loginOnly, logger);
  return {
    ...running,
    scopes,
    close: async () => {
      scopes.close();
      await running.close();
      await usage?.close();
      await tracing?.shutdown();
    },
  };
}
