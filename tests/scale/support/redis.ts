import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers; tests needing it may skip only outside CI. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 500 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The skip option for a test needing Redis: never in CI, where Redis must be there. */
export async function skipWithoutRedis(): Promise<string | false> {
  if (await redisAvailable()) return false;
  if (process.env.CI) throw new Error(`Redis is required in CI and does not answer at ${TEST_REDIS_URL}`);
  return `Redis does not answer at ${TEST_REDIS_URL} (set CI to make this a failure)`;
}

/** A key prefix no other test run shares. */
export function uniqueKeyPrefix(): string {
  return `mcpgw-test:${randomBytes(6).toString('hex')}:`;
}
