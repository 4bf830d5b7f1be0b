import { createServer } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { createAccessChecker } from './authz/check-access.js';
import { createStreamToolFilters } from './mcp/stream-tool-filters.js';
import { createForwarder } from './proxy/create-forwarder.js';
import { createRequestHandler } from './proxy/handle-request.js';
import { createLiveRoutes } from './routes/live-routes.js';
import { pollRouteFeed } from './routes/poll-route-feed.js';
import type { RouteSource } from './routes/route-source.js';

export const GATEWAY_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 4 * 1024 * 1024,
  authTimeoutMs: 2000,
  routesPollMs: 500,
  upstreamTimeoutMs: 60_000,
  drainTimeoutMs: 10_000,
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
  authTimeoutMs?: number;
  routesPollMs?: number;
  /** How long to wait for an upstream's response headers; a started stream is never cut. */
  upstreamTimeoutMs?: number;
  /** How long close() lets requests in flight finish before cutting them. */
  drainTimeoutMs?: number;
  /** Supplies route tables instead of the registry's feed. */
  routeSource?: RouteSource;
  logger?: Logger;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Stops polling, ends open GET event streams, lets other requests finish, then closes. */
  close(): Promise<void>;
}

/** Starts the gateway, the data plane in front of every registered MCP server. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const settings = validateOptions(options);
  const logger = options.logger ?? createLogger('gateway');
  const source = options.routeSource ?? pollRouteFeed({
    registryUrl: options.registryUrl,
    internalToken: options.internalToken,
    intervalMs: settings.routesPollMs,
    logger,
  });
  const routes = createLiveRoutes(source, logger);
  const access = createAccessChecker({ authUrl: options.authUrl, timeoutMs: settings.authTimeoutMs });
  const forwarder = createForwarder({ upstreamTimeoutMs: settings.upstreamTimeoutMs });
  const streams = new Set<() => void>();

  const server = createServer(createRequestHandler({
    routes,
    access,
    forwarder,
    maxBodyBytes: settings.maxBodyBytes,
    logger,
    toolFilters: createStreamToolFilters(),
    trackStream: (end) => {
      streams.add(end);
      return () => streams.delete(end);
    },
  }));
  server.on('clientError', (error, socket) => {
    logger.debug({ err: error }, 'malformed request from a client');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  let running;
  try {
    running = await listen(server, options.port, options.host ?? GATEWAY_DEFAULTS.host, settings.drainTimeoutMs);
  } catch (error) {
    await routes.close();
    access.close();
    forwarder.close();
    throw error;
  }
  const { url, port } = running;
  const stop = running.close;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () => {
      closing ??= (async () => {
        await routes.close();
        for (const end of [...streams]) end();
        await stop();
        access.close();
        forwarder.close();
      })();
      return closing;
    },
  };
}

function validateOptions(options: GatewayOptions) {
  const problems: string[] = [];
  const settings = {
    maxBodyBytes: options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes,
    authTimeoutMs: options.authTimeoutMs ?? GATEWAY_DEFAULTS.authTimeoutMs,
    routesPollMs: options.routesPollMs ?? GATEWAY_DEFAULTS.routesPollMs,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? GATEWAY_DEFAULTS.upstreamTimeoutMs,
    drainTimeoutMs: options.drainTimeoutMs ?? GATEWAY_DEFAULTS.drainTimeoutMs,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) problems.push(`port must be 0-65535, got ${options.port}`);
  for (const [name, value] of [['authUrl', options.authUrl], ['registryUrl', options.registryUrl]] as const) {
    if (name === 'registryUrl' && options.routeSource) continue;
    if (!/^https?:\/\/[^/]/.test(value ?? '')) problems.push(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (!options.routeSource && !options.internalToken) problems.push('internalToken is required to read the registry route feed');
  if (problems.length > 0) throw new Error(`invalid gateway options:\n  ${problems.join('\n  ')}`);
  return settings;
}
