import type { BucketLimit } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';

/** One bucket a request must take tokens from. */
export interface BucketTake {
  /** Identifies the bucket; the same key is the same bucket on every gateway sharing the store. */
  key: string;
  limit: BucketLimit;
  /** Tokens to take, at least 1; more than the bucket holds is taken as the whole bucket. */
  cost: number;
}

/** waitMs 0 when every bucket gave its tokens; otherwise how long until they would, and the bucket that is shortest. */
export interface TakeOutcome {
  waitMs: number;
  /** The index in `takes` of the bucket that must wait longest; -1 when none must. */
  blocking: number;
}

/** Token buckets, in this process or shared. */
export interface BucketStore {
  /**
   * Takes the tokens from every bucket, or from none when any of them is short: a refused request
   * spends nothing. Rejects only when the store itself fails.
   */
  take(takes: readonly BucketTake[]): Promise<TakeOutcome>;
  close(): Promise<void>;
}
