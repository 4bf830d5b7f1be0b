import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BucketTake } from '../../gateway/src/ratelimit/bucket-store.js';
import { createMemoryBucketStore } from '../../gateway/src/ratelimit/memory-bucket-store.js';
import { createRedisBucketStore } from '../../gateway/src/ratelimit/redis-bucket-store.js';
import { closeRedisClient, createRedisClient, whenRedisReady } from '@mcpgw/lib/redis/redis-client.js';
import { skipWithoutRedis, TEST_REDIS_URL, uniqueKeyPrefix } from './support/redis.js';

const perMinute = (requests: number, burst?: number): BucketTake['limit'] => ({ requests, per_seconds: 60, ...(burst === undefined ? {} : { burst }) });

describe('token buckets in memory', () => {
  test('a bucket holds its burst, refills at its rate and never past its burst', () => {
    let now = 0;
    const store = createMemoryBucketStore(() => now);
    const take = (key = 'a') => store.takeNow([{ key, limit: perMinute(60, 3), cost: 1 }]);
    assert.deepEqual([take(), take(), take()].map((outcome) => outcome.waitMs), [0, 0, 0]);
    assert.deepEqual(take(), { waitMs: 1000, blocking: 0 }, 'one token a second');
    now += 500;
    assert.equal(take().waitMs, 500);
    now += 500;
    assert.equal(take().waitMs, 0);
    now += 3_600_000;
    assert.deepEqual([take(), take(), take(), take()].map((outcome) => outcome.waitMs > 0), [false, false, false, true], 'a long pause refills only the burst');
    assert.equal(take('b').waitMs, 0, 'another key is another bucket');
  });

  test('takes from every bucket or from none, and names the one that must wait longest', () => {
    const now = 0;
    const store = createMemoryBucketStore(() => now);
    const roomy = { key: 'roomy', limit: perMinute(60, 10), cost: 1 };
    const tight = { key: 'tight', limit: perMinute(1, 1), cost: 1 };
    assert.equal(store.takeNow([roomy, tight]).waitMs, 0);
    assert.deepEqual(store.takeNow([roomy, tight]), { waitMs: 60_000, blocking: 1 });
    for (let i = 0; i < 9; i += 1) assert.equal(store.takeNow([roomy]).waitMs, 0, 'the refused request took nothing from the roomy bucket');
    assert.ok(store.takeNow([roomy]).waitMs > 0);
  });
});

const redisSkip = await skipWithoutRedis();

describe('token buckets in Redis', { skip: redisSkip }, () => {
  const client = createRedisClient({ url: TEST_REDIS_URL, keyPrefix: uniqueKeyPrefix() });
  const store = createRedisBucketStore(client);
  before(async () => assert.ok(await whenRedisReady(client)));
  after(() => closeRedisClient(client));

  test('concurrent takes from one bucket admit exactly its burst', async () => {
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => store.take([{ key: 'shared', limit: perMinute(10), cost: 1 }])));
    assert.equal(outcomes.filter((outcome) => outcome.waitMs === 0).length, 10);
    const refused = outcomes.find((outcome) => outcome.waitMs > 0);
    assert.equal(refused?.blocking, 0);
    assert.ok((refused?.waitMs ?? 0) > 0 && (refused?.waitMs ?? 0) <= 6000, 'the wait is at most one token\'s refill time');
  });

  test('takes from every bucket or from none, as in memory', async () => {
    const roomy = { key: 'roomy', limit: perMinute(60, 5), cost: 1 };
    const tight = { key: 'tight', limit: perMinute(1, 1), cost: 1 };
    assert.equal((await store.take([roomy, tight])).waitMs, 0);
    assert.equal((await store.take([roomy, tight])).blocking, 1);
    for (let i = 0; i < 4; i += 1) assert.equal((await store.take([roomy])).waitMs, 0);
    assert.ok((await store.take([roomy])).waitMs > 0);
  });

  test('keys expire once their bucket would be full again', async () => {
    await store.take([{ key: 'expiring', limit: { requests: 1, per_seconds: 1 }, cost: 1 }]);
    const ttl = await client.pttl('rl:expiring');
    assert.ok(ttl > 0 && ttl <= 2000, `ttl ${ttl}`);
  });
});
