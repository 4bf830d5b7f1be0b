import http from 'node:http';
import https from 'node:https';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { ROUTES_FEED_PATH, routeTableSchema, type RouteTable } from '@mcpgw/lib/routes/route-table.js';
import type { RouteSource } from './route-source.js';

export interface RouteFeedOptions {
  registryUrl: string;
  internalToken: string;
  intervalMs: number;
  logger: Logger;
  /** How long one poll may take; defaults to twice the interval, at least one second. */
  requestTimeoutMs?: number;
}

const MAX_FEED_BYTES = 32 * 1024 * 1024;

/**
 * Polls the registry's route feed with If-None-Match. A 304 means unchanged. When the registry is
 * down or answers something that is not a route table, the last table stays in force and the outage
 * is logged once, with its recovery. `refresh()` polls at once, except during an outage.
 */
export function pollRouteFeed(options: RouteFeedOptions): RouteSource {
  const url = new URL(`${options.registryUrl.replace(/\/+$/, '')}${ROUTES_FEED_PATH}`);
  const transport = url.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 1 });
  const timeoutMs = options.requestTimeoutMs ?? Math.max(1000, options.intervalMs * 2);
  const logger = options.logger;
  let etag: string | undefined;
  let version: string | undefined;
  let outage = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: http.ClientRequest | undefined;

  const fetchTable = (): Promise<RouteTable | 'unchanged'> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { [INTERNAL_TOKEN_HEADER]: options.internalToken, accept: 'application/json' };
      if (etag !== undefined) headers['if-none-match'] = etag;
      const request = transport.get(url, { agent, headers, timeout: timeoutMs }, (response) => {
        if (response.statusCode === 304) {
          response.resume();
          resolve('unchanged');
          return;
        }
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`the registry answered ${response.statusCode} to ${ROUTES_FEED_PATH}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_FEED_BYTES) response.destroy(new Error('the route table is larger than 32 MiB'));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          try {
            const table = routeTableSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            const tag = response.headers.etag;
            etag = typeof tag === 'string' && tag !== '' ? tag : undefined;
            resolve(table);
          } catch (cause) {
            reject(new Error('the registry answered something that is not a route table', { cause }));
          }
        });
      });
      inFlight = request;
      request.on('timeout', () => request.destroy(new Error(`the registry did not answer within ${timeoutMs} ms`)));
      request.on('error', reject);
    });

  const poll = async (onTable: (table: RouteTable) => void): Promise<void> => {
    try {
      const result = await fetchTable();
      if (outage) logger.info({ registryUrl: options.registryUrl }, 'route feed reachable again');
      outage = false;
      if (result !== 'unchanged' && result.version !== version) {
        version = result.version;
        onTable(result);
      }
    } catch (error) {
      if (closed) return;
      if (!outage) {
        logger.warn(
          { err: error, registryUrl: options.registryUrl, routesKnown: version !== undefined },
          'route feed unavailable; serving the last known route table until it answers again',
        );
      }
      outage = true;
    } finally {
      inFlight = undefined;
    }
  };

  let deliver: ((table: RouteTable) => void) | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Polls one at a time, so that tables are delivered in the order the registry served them. */
  const pollInTurn = (): Promise<void> => {
    chain = chain.then(() => (closed || !deliver ? undefined : poll(deliver)));
    return chain;
  };

  return {
    start(onTable) {
      deliver = onTable;
      const loop = async (): Promise<void> => {
        await pollInTurn();
        if (!closed) timer = setTimeout(() => void loop(), options.intervalMs);
      };
      void loop();
    },
    async refresh() {
      if (outage) return;
      await pollInTurn();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      inFlight?.destroy();
      agent.destroy();
    },
  };
}
