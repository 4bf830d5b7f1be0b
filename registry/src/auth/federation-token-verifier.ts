import { envBool, envOptional } from '@mcpgw/lib/config/env.js';
import { createStaticTokenMatcher } from '@mcpgw/lib/tokens/static-token-matcher.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';

export const FEDERATION_AUTH_METHOD = 'federation-static-token';
export const FEDERATION_PEER_USER = 'federation-peer';
export const MIN_FEDERATION_TOKEN_LENGTH = 32;

/** FEDERATION_STATIC_TOKEN when FEDERATION_STATIC_TOKEN_AUTH_ENABLED is true, else undefined. Throws when enabled without a usable token. */
export function federationStaticTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!envBool('FEDERATION_STATIC_TOKEN_AUTH_ENABLED', false, env)) return undefined;
  const token = envOptional('FEDERATION_STATIC_TOKEN', env)?.trim();
  if (token === undefined || token.length < MIN_FEDERATION_TOKEN_LENGTH) {
    throw new Error(`FEDERATION_STATIC_TOKEN_AUTH_ENABLED is true: set FEDERATION_STATIC_TOKEN to a secret of at least ${MIN_FEDERATION_TOKEN_LENGTH} characters`);
  }
  return token;
}

/**
 * The verifier for federation endpoints only (never the rest of the API): the static federation
 * token, when configured, makes the caller the `federation-peer` (auth method
 * `federation-static-token`, no groups); any other token goes to `fallback`, the API's verifier.
 * A federation router authorises the static token by its auth method, and other callers by scopes.
 */
export function createFederationTokenVerifier(staticToken: string | undefined, fallback: TokenVerifier): TokenVerifier {
  if (staticToken === undefined) return fallback;
  const match = createStaticTokenMatcher([{ name: FEDERATION_PEER_USER, key: staticToken }], (name) => ({
    user: name,
    username: name,
    clientId: name,
    groups: [],
    tokenScopes: [],
    authMethod: FEDERATION_AUTH_METHOD,
    expiresAt: 0,
  }));
  return {
    verify: async (token, context) => match(token) ?? fallback.verify(token, context),
  };
}
