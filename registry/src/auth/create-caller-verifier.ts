import { createStaticTokenMatcher } from '@mcpgw/lib/tokens/static-token-matcher.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import type { RegistryApiKeys } from './registry-api-keys.js';

export const API_KEY_AUTH_METHOD = 'api-key';

/**
 * The verifier of the registry API: a static API key (compared in constant time) makes the caller
 * the service principal of that key, with the configured groups; any other token goes to the JWT
 * verifier (registry-issued and identity provider tokens).
 */
export function createCallerVerifier(jwtVerifier: TokenVerifier, apiKeys: RegistryApiKeys): TokenVerifier {
  if (apiKeys.keys.length === 0) return jwtVerifier;
  const match = createStaticTokenMatcher(apiKeys.keys, (name) => ({
    user: `service:${name}`,
    username: name,
    clientId: name,
    groups: [...apiKeys.groups],
    tokenScopes: [],
    authMethod: API_KEY_AUTH_METHOD,
    expiresAt: 0,
  }));
  return {
    verify: async (token, context) => match(token) ?? jwtVerifier.verify(token, context),
  };
}
