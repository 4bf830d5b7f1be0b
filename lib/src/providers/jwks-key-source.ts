import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { TokenError } from '../tokens/token-error.js';
import { discoverJwksUri } from './discover-jwks-uri.js';
import type { JwksSettings } from './identity-settings.js';

/** How long a failed discovery is remembered before the next request may try again. */
const DISCOVERY_RETRY_MS = 5000;

export interface KeySource {
  getKey: JWTVerifyGetKey;
  /** Fetches the discovery document and the keys ahead of the first token; rejects when it cannot. */
  warmUp(): Promise<void>;
}

/**
 * The signing keys of one issuer: its JWKS (from `jwks_uri`, or found by discovery once), cached,
 * fetched again on an unknown `kid` after a cooldown, one fetch in flight, a short timeout. Keys that
 * cannot be fetched raise AUTH_PROVIDER_UNAVAILABLE; a key the issuer does not publish, AUTH_TOKEN_UNKNOWN_KEY.
 */
export function createJwksKeySource(issuer: string, jwksUri: string | undefined, settings: JwksSettings): KeySource {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  let discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  let failedAt = 0;
  let lastFailure: unknown;

  const remote = (url: URL) =>
    createRemoteJWKSet(url, { timeoutDuration: settings.timeoutMs, cooldownDuration: settings.cooldownMs, cacheMaxAge: settings.cacheMaxAgeMs });

  const resolveKeys = async (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    if (keys) return keys;
    if (jwksUri !== undefined) return (keys = remote(new URL(jwksUri)));
    if (Date.now() - failedAt < DISCOVERY_RETRY_MS) throw unavailable(issuer, lastFailure);
    discovering ??= discoverJwksUri(issuer, settings.timeoutMs).then(
      (url) => (keys = remote(url)),
      (error: unknown) => {
        failedAt = Date.now();
        lastFailure = error;
        throw unavailable(issuer, error);
      },
    ).finally(() => {
      discovering = undefined;
    });
    return discovering;
  };

  return {
    getKey: async (header, token) => {
      const set = await resolveKeys();
      try {
        return await set(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSMultipleMatchingKeys) {
          throw new TokenError('AUTH_TOKEN_UNKNOWN_KEY', 'the token names no key id (kid) and its issuer publishes several keys', { cause: error });
        }
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JOSENotSupported || error instanceof errors.JOSEAlgNotAllowed) throw error;
        throw unavailable(issuer, error);
      }
    },
    warmUp: async () => {
      const set = await resolveKeys();
      await set.reload().catch((error: unknown) => {
        throw unavailable(issuer, error);
      });
    },
  };
}

function unavailable(issuer: string, cause: unknown): TokenError {
  return new TokenError('AUTH_PROVIDER_UNAVAILABLE', `the signing keys of ${issuer} cannot be fetched; try again shortly`, { cause });
}
