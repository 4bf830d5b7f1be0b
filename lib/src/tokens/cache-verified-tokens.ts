import { envInt } from '../config/env.js';
import type { Identity } from './identity.js';
import type { TokenVerifier, VerifyContext } from './token-verifier.js';

export interface VerifiedTokenCacheSettings {
  /** How long a verified token is trusted without checking its signature again; 0 turns the cache off. */
  maxAgeSeconds: number;
  /** Most tokens kept; the least recently used go first. */
  maxEntries: number;
}

export const DEFAULT_TOKEN_CACHE_SECONDS = 30;
export const DEFAULT_TOKEN_CACHE_SIZE = 10_000;

export function verifiedTokenCacheFromEnv(env: NodeJS.ProcessEnv = process.env): VerifiedTokenCacheSettings {
  return {
    maxAgeSeconds: envInt('AUTH_TOKEN_CACHE_SECONDS', DEFAULT_TOKEN_CACHE_SECONDS, env),
    maxEntries: envInt('AUTH_TOKEN_CACHE_SIZE', DEFAULT_TOKEN_CACHE_SIZE, env),
  };
}

interface Entry {
  identity: Identity;
  expiresAtMs: number;
}

/**
 * Remembers tokens that verified, so a caller's next request skips the signature check (the costliest
 * step of a decision). Only identities are cached, never decisions: a scopes.yml edit applies at once.
 * An entry lives until the token's own `exp` or `maxAgeSeconds`, whichever comes first, so a key removed
 * from a provider's JWKS stops being honoured within `maxAgeSeconds`. Refusals are never cached.
 */
export function cacheVerifiedTokens<V extends TokenVerifier>(
  inner: V,
  settings: VerifiedTokenCacheSettings,
  now: () => number = Date.now,
): V {
  if (settings.maxAgeSeconds <= 0 || settings.maxEntries <= 0) return inner;
  const entries = new Map<string, Entry>();
  const verify = async (token: string, context?: VerifyContext): Promise<Identity> => {
    const key = `${context?.serverPath ?? ''} ${token}`;
    const cached = entries.get(key);
    const at = now();
    if (cached && cached.expiresAtMs > at) {
      entries.delete(key);
      entries.set(key, cached);
      return cached.identity;
    }
    if (cached) entries.delete(key);
    const identity = await inner.verify(token, context);
    const expiresAtMs = Math.min(identity.expiresAt * 1000, at + settings.maxAgeSeconds * 1000);
    if (expiresAtMs > at) {
      entries.set(key, { identity, expiresAtMs });
      if (entries.size > settings.maxEntries) entries.delete(entries.keys().next().value as string);
    }
    return identity;
  };
  return { ...inner, verify };
}
