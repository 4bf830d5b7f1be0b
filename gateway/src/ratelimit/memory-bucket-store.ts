import { capacityOf, refillPerMs } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import type { BucketStore, BucketTake, TakeOutcome } from './bucket-store.js';

interface Bucket {
  tokens: number;
  atMs: number;
  /** When the bucket is full again and can be forgotten. */
  fullAtMs: number;
}

/** Buckets kept before full ones are swept, at most once per SWEEP_EVERY_MS. */
const SWEEP_AT_SIZE = 50_000;
const SWEEP_EVERY_MS = 1000;

/** Token buckets in this process: the default, and the fallback while Redis is away. */
export function createMemoryBucketStore(now: () => number = () => performance.now()): BucketStore & { takeNow(takes: readonly BucketTake[]): TakeOutcome } {
  const buckets = new Map<string, Bucket>();
  let lastSweepMs = Number.NEGATIVE_INFINITY;

  const takeNow = (takes: readonly BucketTake[]): TakeOutcome => {
    const at = now();
    let waitMs = 0;
    let blocking = -1;
    const levels: number[] = [];
    takes.forEach((take, index) => {
      const capacity = capacityOf(take.limit);
      const rate = refillPerMs(take.limit);
      const bucket = buckets.get(take.key);
      const tokens = bucket ? Math.min(capacity, bucket.tokens + Math.max(0, at - bucket.atMs) * rate) : capacity;
      levels.push(tokens);
      const cost = Math.min(take.cost, capacity);
      const wait = tokens < cost ? Math.ceil((cost - tokens) / rate) : 0;
      if (wait > waitMs) {
        waitMs = wait;
        blocking = index;
      }
    });
    if (waitMs > 0) return { waitMs, blocking };
    takes.forEach((take, index) => {
      const capacity = capacityOf(take.limit);
      const tokens = (levels[index] as number) - Math.min(take.cost, capacity);
      buckets.set(take.key, { tokens, atMs: at, fullAtMs: at + (capacity - tokens) / refillPerMs(take.limit) });
    });
    if (buckets.size > SWEEP_AT_SIZE && at - lastSweepMs >= SWEEP_EVERY_MS) {
      lastSweepMs = at;
      for (const [key, bucket] of buckets) if (bucket.fullAtMs <= at) buckets.delete(key);
    }
    return { waitMs: 0, blocking: -1 };
  };

  return {
    takeNow,
    take: async (takes) => takeNow(takes),
    close: async () => {
      buckets.clear();
    },
  };
}
