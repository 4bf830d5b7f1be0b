/** Who a validated token says the caller is. Only ever built from a verified token. */
export interface Identity {
  /** Stable subject (`sub`). */
  user: string;
  /** Display name (`preferred_username`, else `sub`). */
  username: string;
  clientId: string;
  groups: string[];
  /** Scope names from the token's `scope` claim. */
  tokenScopes: string[];
  /** How the caller authenticated, e.g. `registry-token`. */
  authMethod: string;
  /** Expiry, seconds since the epoch; 0 for a static credential that does not expire. */
  expiresAt: number;
}
