import { createStaticTokenMatcher } from '@mcpgw/lib/tokens/static-token-matcher.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { createFederationTokenVerifier, FEDERATION_AUTH_METHOD, FEDERATION_PEER_USER } from '../auth/federation-token-verifier.js';
import type { ExportTokens } from './federation-settings.js';

/**
 * The verifier of the export endpoints: the current federation token, the previous one until its
 * grace period ends (so importers can be moved to the new token without downtime), and otherwise
 * the API's own tokens (their groups then open group-restricted items).
 */
export function createExportTokenVerifier(tokens: ExportTokens, fallback: TokenVerifier, clock: () => Date = () => new Date()): TokenVerifier {
  const withCurrent = createFederationTokenVerifier(tokens.current, fallback);
  const { previous, previousUntil } = tokens;
  if (previous === undefined || previousUntil === undefined) return withCurrent;
  const matchPrevious = createStaticTokenMatcher([{ name: FEDERATION_PEER_USER, key: previous }], (name) => ({
    user: name,
    username: name,
    clientId: name,
    groups: [],
    tokenScopes: [],
    authMethod: FEDERATION_AUTH_METHOD,
    expiresAt: Math.floor(previousUntil.getTime() / 1000),
  }));
  return {
    verify: async (token, context) => {
      const identity = clock() < previousUntil ? matchPrevious(token) : undefined;
      return identity ?? withCurrent.verify(token, context);
    },
  };
}
