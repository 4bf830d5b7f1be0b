import { z } from 'zod';

/**
 * The rate-limit settings shared by the registry's server entry, the route feed and scopes.yml.
 * This module owns their shape; the gateway enforces them with token buckets.
 */
export const DEFAULT_PER_SECONDS = 60;

/** One token bucket: `requests` every `per_seconds`, with room for `burst` at once (default `requests`). */
export const bucketLimitSchema = z.strictObject({
  requests: z.number().int('must be a whole number').positive('must be at least 1'),
  per_seconds: z.number().int('must be a whole number of seconds').positive('must be at least 1').max(86_400).default(DEFAULT_PER_SECONDS),
  burst: z.number().int('must be a whole number').positive('must be at least 1').optional(),
});
export type BucketLimit = z.infer<typeof bucketLimitSchema>;

/**
 * A server's limits, set on its registry entry (`rate_limit`):
 *   server: every caller together;  caller: each caller on its own;  tools: each caller, per tool of tools/call.
 */
export const serverRateLimitSchema = z.strictObject({
  server: bucketLimitSchema.optional(),
  caller: bucketLimitSchema.optional(),
  tools: z.record(z.string().trim().min(1, 'a tool name must not be empty'), bucketLimitSchema).optional(),
});
export type ServerRateLimit = z.infer<typeof serverRateLimitSchema>;

/** scopes.yml `rate_limits`: IdP group -> each caller's limit across every server. */
export const RATE_LIMITS_KEY = 'rate_limits';
export const groupRateLimitsSchema = z.record(z.string().trim().min(1, 'must not be empty'), bucketLimitSchema);
export type GroupRateLimits = z.infer<typeof groupRateLimitsSchema>;

/** Tokens a bucket refills each millisecond. */
export function refillPerMs(limit: BucketLimit): number {
  return limit.requests / (limit.per_seconds * 1000);
}

export function capacityOf(limit: BucketLimit): number {
  return limit.burst ?? limit.requests;
}

/**
 * The most generous of several limits (the one refilling fastest, then the larger burst), as a
 * caller's scopes are the union of its groups'. Undefined when none applies.
 */
export function mostGenerous(limits: Iterable<BucketLimit>): BucketLimit | undefined {
  let best: BucketLimit | undefined;
  for (const limit of limits) {
    if (!best) best = limit;
    else {
      const rate = refillPerMs(limit) - refillPerMs(best);
      if (rate > 0 || (rate === 0 && capacityOf(limit) > capacityOf(best))) best = limit;
    }
  }
  return best;
}

/** The `X-Rate-Limit` value the auth-server answers with: `<requests>/<per_seconds>[/<burst>]`. */
export function encodeBucketLimit(limit: BucketLimit): string {
  return `${limit.requests}/${limit.per_seconds}${limit.burst === undefined ? '' : `/${limit.burst}`}`;
}

export function decodeBucketLimit(value: string | undefined): BucketLimit | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)(?:\/(\d+))?$/.exec(value.trim());
  if (!match) return undefined;
  const parsed = bucketLimitSchema.safeParse({
    requests: Number(match[1]),
    per_seconds: Number(match[2]),
    ...(match[3] === undefined ? {} : { burst: Number(match[3]) }),
  });
  return parsed.success ? parsed.data : undefined;
}
