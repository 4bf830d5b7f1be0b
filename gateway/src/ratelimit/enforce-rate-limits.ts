import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { BucketStore, TakeOutcome } from './bucket-store.js';
import { createMemoryBucketStore } from './memory-bucket-store.js';
import { planBucketTakes, type LimitKind, type TakeInput } from './plan-bucket-takes.js';

/** What a request does when the shared store (Redis) fails: `open` falls back to this gateway's own buckets, `closed` refuses with 503. */
export const REDIS_FAILURE_MODES = ['open', 'closed'] as const;
export type RedisFailureMode = (typeof REDIS_FAILURE_MODES)[number];
export const DEFAULT_REDIS_FAILURE_MODE: RedisFailureMode = 'open';

export interface RateLimitEvent {
  server: string;
  kind: LimitKind;
}

export interface RateLimiterOptions {
  /** Where the buckets live; in this process when absent. */
  store?: BucketStore;
  /** Applies when `store` fails. */
  onStoreFailure?: RedisFailureMode;
  logger: Logger;
  /** Called for every refused request (for metrics). */
  onRejected?: (event: RateLimitEvent) => void;
}

export interface RateLimiter {
  /**
   * Resolves when the request may go on, rejects with GW_RATE_LIMITED (429, Retry-After) when a
   * bucket is empty. Returns undefined, without a promise, when no limit applies to the request.
   */
  admit(input: TakeInput): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Enforces the registry's per-server limits and scopes.yml's per-group limits with token buckets. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const local = createMemoryBucketStore();
  const shared = options.store;
  const failureMode = options.onStoreFailure ?? DEFAULT_REDIS_FAILURE_MODE;
  let storeDown = false;

  const takeShared = async (takes: Parameters<BucketStore['take']>[0]): Promise<TakeOutcome> => {
    if (!shared) return local.takeNow(takes);
    try {
      const outcome = await shared.take(takes);
      if (storeDown) options.logger.info('the rate-limit store answers again; limits are shared again');
      storeDown = false;
      return outcome;
    } catch (cause) {
      if (!storeDown) {
        options.logger.error({ err: cause, failureMode }, `the rate-limit store failed; ${failureMode === 'open' ? 'limiting with this gateway\'s own buckets' : 'refusing rate-limited requests'} until it answers`);
      }
      storeDown = true;
      if (failureMode === 'open') return local.takeNow(takes);
      throw new GatewayError('GW_RATE_LIMIT_UNAVAILABLE', 'the rate-limit store cannot be reached; try again shortly', { cause });
    }
  };

  return {
    admit(input) {
      const takes = planBucketTakes(input);
      if (takes.length === 0) return undefined;
      return takeShared(takes).then(({ waitMs, blocking }) => {
        if (waitMs <= 0) return;
        const kind = takes[blocking]?.kind ?? 'server';
        options.onRejected?.({ server: input.serverPath, kind });
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new GatewayError('GW_RATE_LIMITED', `too many requests to ${input.serverPath}; retry after ${retryAfterSeconds} s`, {
          data: { server: input.serverPath, limit: kind, retryAfterSeconds },
          headers: { 'retry-after': String(retryAfterSeconds) },
        });
      });
    },
    async close() {
      await local.close();
      await shared?.close();
    },
  };
}
