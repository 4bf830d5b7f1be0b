import { mostGenerous, RATE_LIMITS_KEY, type BucketLimit } from '../ratelimit/rate-limit-schema.js';
import type { ScopesFile } from './scopes-schema.js';

/** A caller's limit across servers: the most generous `rate_limits` entry among its groups; undefined when none names them. */
export function groupRateLimit(file: ScopesFile, groups: readonly string[]): BucketLimit | undefined {
  const limits = file[RATE_LIMITS_KEY];
  if (!limits) return undefined;
  const applying: BucketLimit[] = [];
  for (const group of groups) {
    const limit = Object.hasOwn(limits, group) ? limits[group] : undefined;
    if (limit) applying.push(limit);
  }
  return mostGenerous(applying);
}
