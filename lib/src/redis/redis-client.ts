import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export const REDIS_DEFAULTS = {
  /** A command that takes longer fails, so that a slow Redis cannot hold requests up. */
  commandTimeoutMs: 250,
  connectTimeoutMs: 1000,
  /** Longest wait between reconnection attempts. */
  maxReconnectDelayMs: 2000,
} as const;

export interface RedisClientOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  url: string;
  /** Prefixed to every key, so that deployments (and tests) sharing one Redis stay apart. */
  keyPrefix?: string;
  commandTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The one way services here talk to Redis (REDIS_URL). Commands fail fast instead of queueing while
 * Redis is away, so that each caller decides what an outage means for it; the client keeps
 * reconnecting in the background and logs each change of state once.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? '',
    commandTimeout: options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
    connectTimeout: REDIS_DEFAULTS.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, REDIS_DEFAULTS.maxReconnectDelayMs),
    lazyConnect: false,
  });
  let reported: 'ready' | 'down' | undefined;
  client.on('ready', () => {
    if (reported !== 'ready') options.logger?.info({ redis: redactedUrl(options.url) }, 'connected to Redis');
    reported = 'ready';
  });
  client.on('error', (error: Error) => {
    if (reported !== 'down') options.logger?.warn({ redis: redactedUrl(options.url), err: error }, 'Redis is unreachable; retrying in the background');
    reported = 'down';
  });
  return client;
}

/**
 * Resolves once the client is connected, or after `timeoutMs` when Redis does not answer (it keeps
 * trying in the background): a service starts with Redis when it can and without it when it must.
 */
export function whenRedisReady(client: Redis, timeoutMs: number = REDIS_DEFAULTS.connectTimeoutMs): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
  });
}

/** Closes a client without waiting for a Redis that may be gone. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}
