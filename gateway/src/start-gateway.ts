import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';
import { protectedResourceSettingsFromEnv, type ProtectedResourceSettings } from '@mcpgw/lib/providers/protected-resource-settings.js';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { attestationKey } from '@mcpgw/lib/check/identity-attestation.js';
import { createAccessChecker } from './authz/check-access.js';
import { cacheAccessGrants, DEFAULT_DECISION_CACHE_ENTRIES } from './authz/cache-access-grants.js';
import { compileOriginPolicy } from './cors/origin-policy.js';
import { GatewayError } from './errors/gateway-error.js';
import { sendError } from './errors/send-error.js';
import { createProtectedResourceHandler } from './discovery/serve-protected-resource.js';
import { createStreamToolFilters } from './mcp/stream-tool-filters.js';
import { createForwarder } from './proxy/create-forwarder.js';
import { createRequestHandler } from './proxy/handle-request.js';
import { createLiveRoutes } from './routes/live-routes.js';
import { pollRouteFeed } from './routes/poll-route-feed.js';
import type { RouteSource } from './routes/route-source.js';
import { createUpgradeForwarder } from './websocket/forward-upgrade.js';
import { closeRedisClient, createRedisClient, whenRedisReady } from '@mcpgw/lib/redis/redis-client.js';
import { createRateLimiter, type RateLimitEvent, type RedisFailureMode } from './ratelimit/enforce-rate-limits.js';
import { createRedisBucketStore } from './ratelimit/redis-bucket-store.js';
import { createSessionSealer } from './sessions/seal-session-id.js';
import type { SessionKeyring } from './sessions/session-keys.js';
import { BREAKER_DEFAULTS, type BreakerSettings } from './upstreams/circuit-breaker.js';
import { createUpstreamPool, type BreakerChange } from './upstreams/upstream-pool.js';
import { createUpgradeHandler } from './websocket/handle-upgrade.js';
import { createVirtualMcpEndpoint, type VirtualMcpSettings } from './virtual/serve-virtual-mcp.js';
import { startGatewayTelemetry } from './telemetry/start-gateway-telemetry.js';
import type { TracingSettings } from '@mcpgw/lib/telemetry/tracing-settings.js';

export const GATEWAY_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 4 * 1024 * 1024,
  bodyTimeoutMs: 30_000,
  authTimeoutMs: 2000,
  routesPollMs: 500,
  upstreamTimeoutMs: 300_000,
  sseKeepAliveMs: 15_000,
  drainTimeoutMs: 10_000,
  /** What main.ts uses when GATEWAY_DECISION_CACHE is unset; startGateway alone caches nothing. */
  decisionCacheMs: 500,
  virtualMcp: { prefixMode: 'always', idleMs: 30 * 60_000, maxSessions: 10_000 } satisfies Omit<VirtualMcpSettings, 'callTimeoutMs'>,
  /** What main.ts uses when GATEWAY_METRICS_PORT is unset; startGateway alone serves no metrics. */
  metricsPort: 9464,
} as const;

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Base URL of the auth-server; the check goes to `{authUrl}/validate`. */
  authUrl: string;
  /** Base URL of the registry, whose route feed the gateway polls. */
  registryUrl: string;
  /** Presented to the registry's route feed. */
  internalToken: string;
  maxBodyBytes?: number;
  /** How long a request body may take to arrive in full (408 after); default 30 s. */
  bodyTimeoutMs?: number;
  authTimeoutMs?: number;
  routesPollMs?: number;
  /**
   * How long to wait for an upstream's response headers (or its answer to a WebSocket upgrade) when
   * its route sets no `timeoutSeconds`; a started stream is never cut.
   */
  upstreamTimeoutMs?: number;
  /** How often an idle event stream gets a `: keep-alive` comment; 0 sends none. */
  sseKeepAliveMs?: number;
  /** How long an allow is reused for an identical check; 0 (the default here) asks the auth-server every time. */
  decisionCacheMs?: number;
  /**
   * Browser origins allowed to call MCP servers through the gateway (`https://app.example.com`), or
   * `*` for any. Requests without an Origin header and same-origin requests are always allowed.
   */
  allowedOrigins?: readonly string[];
  /** How long close() lets requests in flight finish before cutting them. */
  drainTimeoutMs?: number;
  /** Supplies route tables instead of the registry's feed. */
  routeSource?: RouteSource;
  /** Shared state (rate-limit buckets) lives in this Redis; without it, in this process. */
  redis?: { url: string; keyPrefix?: string };
  /** When Redis fails: `open` limits with this gateway's own buckets, `closed` refuses rate-limited requests (503). */
  rateLimitOnRedisFailure?: RedisFailureMode;
  /** Circuit breaker of each upstream replica. */
  breaker?: Partial<BreakerSettings>;
  /** The breakers' clock in milliseconds (tests move it by hand); performance.now() by default. */
  breakerClock?: () => number;
  /** Keys that seal upstream session ids (see sessions/session-keys); without them session ids pass unchanged. */
  sessionKeys?: SessionKeyring;
  /** Hears every circuit breaker change (for metrics and logs). */
  onBreakerChange?: (change: BreakerChange) => void;
  /** Hears every request refused by a rate limit (for metrics). */
  onRateLimited?: (event: RateLimitEvent) => void;
  /** What the protected resource metadata says; default from GATEWAY_PUBLIC_URL and the identity providers. */
  protectedResource?: ProtectedResourceSettings;
  /** The virtual MCP server at /mcp (on by default); false turns it off. */
  virtualMcp?: Partial<VirtualMcpSettings> | false;
  /**
   * Port of the separate GET /metrics listener (0 picks a free one); undefined serves no metrics. The
   * public port never answers /metrics.
   */
  metricsPort?: number;
  /** Where spans go over OTLP/HTTP; undefined makes none. */
  tracing?: TracingSettings;
  /** Reports every tools/call to the registry (registryUrl, with internalToken) for usage analytics. */
  usage?: { flushIntervalMs?: number };
  logger?: Logger;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** `http://host:port` of the metrics listener, when there is one. */
  metricsUrl: string | undefined;
  /**
   * Drains: stops accepting connections, reports `draining` on /health, ends open GET event streams,
   * lets requests in flight finish for up to drainTimeoutMs, then closes.
   */
  close(): Promise<void>;
}

/** Starts the gateway, the data plane in front of every registered MCP server. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const settings = validateOptions(options);
  const logger = options.logger ?? createLogger('gateway');
  const resource = options.protectedResource ?? protectedResourceSettingsFromEnv();
  let publicUrl = resource.publicUrl;
  const source = options.routeSource ?? pollRouteFeed({
    registryUrl: options.registryUrl,
    internalToken: options.internalToken,
    intervalMs: settings.routesPollMs,
    logger,
  });
  const routes = createLiveRoutes(source, logger);
  const telemetry = await startGatewayTelemetry({
    ...(options.metricsPort === undefined ? {} : { metricsPort: options.metricsPort }),
    host: options.host ?? GATEWAY_DEFAULTS.host,
    ...(options.tracing ? { tracing: options.tracing } : {}),
    ...(options.usage ? { usage: { registryUrl: options.registryUrl, internalToken: options.internalToken, ...options.usage } } : {}),
    logger,
  });
  const access = cacheAccessGrants(createAccessChecker({ authUrl: options.authUrl, timeoutMs: settings.authTimeoutMs }), {
    ttlMs: settings.decisionCacheMs,
    maxEntries: DEFAULT_DECISION_CACHE_ENTRIES,
    onLookup: (hit) => telemetry.metrics.recordDecisionCache(hit),
  });
  const forwarder = createForwarder({ upstreamTimeoutMs: settings.upstreamTimeoutMs });
  const redis = options.redis ? createRedisClient({ url: options.redis.url, keyPrefix: options.redis.keyPrefix ?? 'mcpgw:', logger }) : undefined;
  const rateLimiter = createRateLimiter({
    ...(redis ? { store: createRedisBucketStore(redis) } : {}),
    ...(options.rateLimitOnRedisFailure ? { onStoreFailure: options.rateLimitOnRedisFailure } : {}),
    logger,
    onRejected: (event) => {
      telemetry.metrics.recordRateLimited(event.server, event.kind);
      options.onRateLimited?.(event);
    },
  });
  const upstreams = createUpstreamPool({ ...BREAKER_DEFAULTS, ...options.breaker }, (change) => {
    const log = change.to === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ server: change.server, replica: change.replica, from: change.from, to: change.to }, `upstream replica ${change.replica} of ${change.server}: circuit ${change.to}`);
    telemetry.metrics.recordBreakerState(change.server, change.replica, change.to);
    options.onBreakerChange?.(change);
  }, options.breakerClock);
  let draining = false;
  const origins = compileOriginPolicy(options.allowedOrigins ?? []);
  // Upstreams that hold the internal token (the registry's own MCP server) can verify the identity headers.
  const attestation = options.internalToken ? attestationKey(options.internalToken) : undefined;
  const streams = new Set<() => void>();
  const trackStream = (end: () => void): (() => void) => {
    streams.add(end);
    return () => streams.delete(end);
  };

  let selfUrl = '';
  const virtualMcp =
    options.virtualMcp === false
      ? undefined
      : createVirtualMcpEndpoint({
          routes,
          access,
          origins,
          selfUrl: () => selfUrl,
          maxBodyBytes: settings.maxBodyBytes,
          bodyTimeoutMs: settings.bodyTimeoutMs,
          settings: { ...GATEWAY_DEFAULTS.virtualMcp, callTimeoutMs: settings.upstreamTimeoutMs, ...options.virtualMcp },
          logger,
        });

  const server = createServer(createRequestHandler({
    virtualMcp,
    routes,
    access,
    forwarder,
    maxBodyBytes: settings.maxBodyBytes,
    bodyTimeoutMs: settings.bodyTimeoutMs,
    logger,
    toolFilters: createStreamToolFilters(),
    trackStream,
    origins,
    sseKeepAliveMs: settings.sseKeepAliveMs,
    protectedResource: createProtectedResourceHandler({ ...resource, publicUrl: () => publicUrl ?? '', routes }),
    telemetry,
    ...(attestation ? { attestation } : {}),
    upstreams,
    rateLimiter,
    ...(options.sessionKeys ? { sessions: createSessionSealer(options.sessionKeys) } : {}),
    draining: () => draining,
  }));
  // Requests in flight, so that a drain can ask their connections to close once they are answered.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  const closeAfterAnswers = (): void => {
    for (const res of inFlight) {
      if (!res.headersSent) res.shouldKeepAlive = false;
      else res.once('finish', () => res.socket?.end());
    }
  };
  server.on('upgrade', createUpgradeHandler({
    routes,
    access,
    origins,
    forwarder: createUpgradeForwarder(),
    upstreamTimeoutMs: settings.upstreamTimeoutMs,
    logger,
    trackStream,
    ...(attestation ? { attestation } : {}),
  }));
  server.on('clientError', (error, socket) => {
    logger.debug({ err: error }, 'malformed request from a client');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const malformed = new GatewayError('GW_MALFORMED_REQUEST', 'the request is not valid HTTP/1.1; check the request line and headers', { cause: error });
    sendError({ socket, headers: {} }, malformed, undefined, logger);
  });

  if (redis) await whenRedisReady(redis);
  let running;
  try {
    running = await listen(server, options.port, options.host ?? GATEWAY_DEFAULTS.host, settings.drainTimeoutMs);
  } catch (error) {
    await virtualMcp?.close();
    await routes.close();
    access.close();
    forwarder.close();
    await telemetry.close();
    await rateLimiter.close();
    if (redis) await closeRedisClient(redis);
    throw error;
  }
  const { url, port } = running;
  publicUrl ??= url;
  // The virtual server reaches members through this gateway's own routes, over loopback when it listens on every address.
  const host = options.host ?? GATEWAY_DEFAULTS.host;
  selfUrl = host === '0.0.0.0' || host === '::' || host === '' ? `http://127.0.0.1:${port}` : url;
  const stop = running.close;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    metricsUrl: telemetry.metricsUrl,
    close: () => {
      closing ??= (async () => {
        draining = true;
        closeAfterAnswers();
        await virtualMcp?.close();
        await routes.close();
        for (const end of [...streams]) end();
        await stop();
        access.close();
        forwarder.close();
        await telemetry.close();
        await rateLimiter.close();
        if (redis) await closeRedisClient(redis);
      })();
      return closing;
    },
  };
}

function validateOptions(options: GatewayOptions) {
  const problems: string[] = [];
  const settings = {
    maxBodyBytes: options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes,
    bodyTimeoutMs: options.bodyTimeoutMs ?? GATEWAY_DEFAULTS.bodyTimeoutMs,
    authTimeoutMs: options.authTimeoutMs ?? GATEWAY_DEFAULTS.authTimeoutMs,
    routesPollMs: options.routesPollMs ?? GATEWAY_DEFAULTS.routesPollMs,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? GATEWAY_DEFAULTS.upstreamTimeoutMs,
    drainTimeoutMs: options.drainTimeoutMs ?? GATEWAY_DEFAULTS.drainTimeoutMs,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive integer, got ${value}`);
  }
  const sseKeepAliveMs = options.sseKeepAliveMs ?? GATEWAY_DEFAULTS.sseKeepAliveMs;
  if (!Number.isInteger(sseKeepAliveMs) || sseKeepAliveMs < 0) problems.push(`sseKeepAliveMs must be 0 or a positive integer, got ${sseKeepAliveMs}`);
  const decisionCacheMs = options.decisionCacheMs ?? 0;
  if (!Number.isInteger(decisionCacheMs) || decisionCacheMs < 0) problems.push(`decisionCacheMs must be 0 or a positive integer, got ${decisionCacheMs}`);
  for (const origin of options.allowedOrigins ?? []) {
    if (origin !== '*' && !isOrigin(origin)) problems.push(`allowedOrigins: ${JSON.stringify(origin)} is not an origin such as https://app.example.com, or *`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) problems.push(`port must be 0-65535, got ${options.port}`);
  for (const [name, value] of [['authUrl', options.authUrl], ['registryUrl', options.registryUrl]] as const) {
    if (name === 'registryUrl' && options.routeSource) continue;
    if (!/^https?:\/\/[^/]/.test(value ?? '')) problems.push(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  const breaker = { ...BREAKER_DEFAULTS, ...options.breaker };
  if (!Number.isInteger(breaker.failureThreshold) || breaker.failureThreshold <= 0) problems.push(`breaker.failureThreshold must be a positive integer, got ${breaker.failureThreshold}`);
  if (!Number.isInteger(breaker.coolDownMs) || breaker.coolDownMs <= 0) problems.push(`breaker.coolDownMs must be a positive integer, got ${breaker.coolDownMs}`);
  if (options.redis && !/^rediss?:\/\/[^/]/.test(options.redis.url)) problems.push('redis.url must be a redis:// or rediss:// URL');
  if (!options.routeSource && !options.internalToken) problems.push('internalToken is required to read the registry route feed');
  if (options.usage && (!/^https?:\/\/[^/]/.test(options.registryUrl ?? '') || !options.internalToken)) {
    problems.push('usage reporting needs registryUrl and internalToken');
  }
  if (problems.length > 0) throw new Error(`invalid gateway options:\n  ${problems.join('\n  ')}`);
  return { ...settings, sseKeepAliveMs, decisionCacheMs };
}

/** `scheme://host[:port]` and nothing more. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return url.origin !== 'null' && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && !text.endsWith('/');
  } catch {
    return false;
  }
}
