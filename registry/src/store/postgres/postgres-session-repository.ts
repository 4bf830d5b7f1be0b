import type { Pool } from 'pg';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import type { SessionRepository, StoredSession } from '../session-repository.js';

interface SessionRow {
  id: string;
  identity: Identity;
  provider: string;
  created_at: Date;
  expires_at: Date;
}

/** Login sessions on PostgreSQL, shared by every registry replica. */
export function postgresSessionRepository(pool: Pool): SessionRepository {
  return {
    create: async (session) => {
      await pool.query(
        'INSERT INTO login_sessions (id, user_name, identity, provider, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [session.id, session.identity.user, JSON.stringify(session.identity), session.provider, session.createdAt, session.expiresAt],
      );
    },
    get: async (id) => {
      const { rows } = await pool.query<SessionRow>('SELECT id, identity, provider, created_at, expires_at FROM login_sessions WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    revoke: async (id) => ((await pool.query('DELETE FROM login_sessions WHERE id = $1', [id])).rowCount ?? 0) > 0,
    revokeUser: async (user) => (await pool.query('DELETE FROM login_sessions WHERE user_name = $1', [user])).rowCount ?? 0,
    deleteExpired: async (now) => (await pool.query('DELETE FROM login_sessions WHERE expires_at < $1', [now.toISOString()])).rowCount ?? 0,
  };
}

function fromRow(row: SessionRow): StoredSession {
  return {
    id: row.id,
    identity: row.identity,
    provider: row.provider,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}
