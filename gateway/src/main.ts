import { dataDir, DEFAULT_PORTS, EnvError, envBool, envBytes, envDuration, envInt, envOptional, envString } from '@mcpgw/lib/config/env.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { closeOnSignal } from '@mcpgw/lib/process/run-until-signal.js';
import { tracingOptionFromEnv } from '@mcpgw/lib/telemetry/tracing-settings.js';
import { GATEWAY_DEFAULTS, startGateway } from './start-gateway.js';
import { PREFIX_MODES, type PrefixMode } from './virtual/virtual-names.js';
import { DEFAULT_REDIS_FAILURE_MODE, REDIS_FAILURE_MODES, type RedisFailureMode } from './ratelimit/enforce-rate-limits.js';
import { loadSessionKeys } from './sessions/session-keys.js';
import { BREAKER_DEFAULTS } from './upstreams/circuit-breaker.js';

const logger = createLogger('gateway');
try {
  const authPort = envInt('AUTH_PORT', DEFAULT_PORTS.auth);
  const registryPort = envInt('REGISTRY_PORT', DEFAULT_PORTS.registry);
  const redisUrl = envOptional('REDIS_URL');
  const onRedisFailure = envString('GATEWAY_RATE_LIMIT_ON_REDIS_FAILURE', DEFAULT_REDIS_FAILURE_MODE);
  if (!(REDIS_FAILURE_MODES as readonly string[]).includes(onRedisFailure)) {
    throw new EnvError(`GATEWAY_RATE_LIMIT_ON_REDIS_FAILURE must be ${REDIS_FAILURE_MODES.join(' or ')}, got ${JSON.stringify(onRedisFailure)}`);
  }
  const gateway = await startGateway({
    port: envInt('GATEWAY_PORT', DEFAULT_PORTS.gateway),
    host: envString('HOST', GATEWAY_DEFAULTS.host),
    authUrl: envString('AUTH_URL', `http://127.0.0.1:${authPort}`),
    registryUrl: envString('REGISTRY_URL', `http://127.0.0.1:${registryPort}`),
    internalToken: loadInternalToken(dataDir()),
    maxBodyBytes: envBytes('GATEWAY_MAX_BODY', GATEWAY_DEFAULTS.maxBodyBytes),
    bodyTimeoutMs: envDuration('GATEWAY_BODY_TIMEOUT', GATEWAY_DEFAULTS.bodyTimeoutMs),
    authTimeoutMs: envInt('AUTH_TIMEOUT_MS', GATEWAY_DEFAULTS.authTimeoutMs),
    routesPollMs: envInt('ROUTES_POLL_MS', GATEWAY_DEFAULTS.routesPollMs),
    upstreamTimeoutMs: envInt('GATEWAY_UPSTREAM_TIMEOUT_MS', GATEWAY_DEFAULTS.upstreamTimeoutMs),
    sseKeepAliveMs: envDuration('GATEWAY_SSE_KEEPALIVE', GATEWAY_DEFAULTS.sseKeepAliveMs),
    decisionCacheMs: envDuration('GATEWAY_DECISION_CACHE', GATEWAY_DEFAULTS.decisionCacheMs),
    metricsPort: envInt('GATEWAY_METRICS_PORT', GATEWAY_DEFAULTS.metricsPort),
    ...tracingOptionFromEnv(),
    ...(envBool('USAGE_ANALYTICS', true) ? { usage: {} } : {}),
    drainTimeoutMs: envDuration('GATEWAY_DRAIN_SECONDS', GATEWAY_DEFAULTS.drainTimeoutMs),
    ...(redisUrl ? { redis: { url: redisUrl, keyPrefix: envString('REDIS_KEY_PREFIX', 'mcpgw:') } } : {}),
    rateLimitOnRedisFailure: onRedisFailure as RedisFailureMode,
    breaker: {
      failureThreshold: envInt('GATEWAY_BREAKER_FAILURES', BREAKER_DEFAULTS.failureThreshold),
      coolDownMs: envDuration('GATEWAY_BREAKER_COOLDOWN', BREAKER_DEFAULTS.coolDownMs),
    },
    sessionKeys: loadSessionKeys({
      secret: envOptional('GATEWAY_SESSION_KEY'),
      previous: envString('GATEWAY_SESSION_KEY_PREVIOUS', '').split(',').map((key) => key.trim()).filter(Boolean),
      dataDir: dataDir(),
    }),
    allowedOrigins: envString('GATEWAY_ALLOWED_ORIGINS', '').split(',').map((origin) => origin.trim()).filter(Boolean),
    virtualMcp: envBool('GATEWAY_VIRTUAL_MCP', true) && {
      prefixMode: prefixMode(envString('GATEWAY_VIRTUAL_PREFIX', GATEWAY_DEFAULTS.virtualMcp.prefixMode)),
      idleMs: envDuration('GATEWAY_VIRTUAL_IDLE', GATEWAY_DEFAULTS.virtualMcp.idleMs),
      maxSessions: envInt('GATEWAY_VIRTUAL_MAX_SESSIONS', GATEWAY_DEFAULTS.virtualMcp.maxSessions),
    },
    logger,
  });
  logger.info({ url: gateway.url, metricsUrl: gateway.metricsUrl }, `gateway listening on ${gateway.url}, metrics on ${gateway.metricsUrl}/metrics`);
  closeOnSignal(gateway.close, logger);
} catch (error) {
  logger.fatal({ err: error }, `gateway failed to start: ${(error as Error).message}`);
  process.exit(1);
}

function prefixMode(value: string): PrefixMode {
  if ((PREFIX_MODES as readonly string[]).includes(value)) return value as PrefixMode;
  throw new Error(`GATEWAY_VIRTUAL_PREFIX must be ${PREFIX_MODES.join(', ')}; got ${JSON.stringify(value)}`);
}
