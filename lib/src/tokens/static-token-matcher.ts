import { createHash, timingSafeEqual } from 'node:crypto';
import type { Identity } from './identity.js';

/** A named static credential for machines (`name:key`). */
export interface StaticKey {
  name: string;
  key: string;
}

export type StaticTokenMatcher = (token: string) => Identity | undefined;

/**
 * Matches a presented token against static keys in constant time: every key is compared, as
 * SHA-256 digests of equal length, whatever matches first. Undefined when none matches.
 */
export function createStaticTokenMatcher(keys: readonly StaticKey[], identityOf: (name: string) => Identity): StaticTokenMatcher {
  const digests = keys.map(({ name, key }) => ({ name, digest: digestOf(key) }));
  return (token) => {
    const presented = digestOf(token);
    let matched: string | undefined;
    for (const { name, digest } of digests) {
      if (timingSafeEqual(digest, presented) && matched === undefined) matched = name;
    }
    return matched === undefined ? undefined : identityOf(matched);
  };
}

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
