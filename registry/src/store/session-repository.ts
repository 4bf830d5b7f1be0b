import type { Identity } from '@mcpgw/lib/tokens/identity.js';

/**
 * Server-side records of registry login sessions. The key is a hash of the session id the cookie
 * carries, so that reading the table does not give anyone a working cookie. Revoking deletes.
 */
export interface StoredSession {
  /** SHA-256 of the session id, hex. */
  id: string;
  identity: Identity;
  /** The identity provider the person logged in with, or `local` for the administrator login. */
  provider: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  expiresAt: string;
}

export interface SessionRepository {
  create(session: StoredSession): Promise<void>;
  get(id: string): Promise<StoredSession | undefined>;
  /** Removes one session; false when there was none. */
  revoke(id: string): Promise<boolean>;
  /** Removes every session of a user (Identity.user); how many there were. */
  revokeUser(user: string): Promise<number>;
  /** Removes sessions that expired before `now`. */
  deleteExpired(now: Date): Promise<number>;
}
