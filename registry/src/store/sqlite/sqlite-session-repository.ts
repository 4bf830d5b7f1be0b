import type { Database } from 'better-sqlite3';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import type { SessionRepository, StoredSession } from '../session-repository.js';

interface SessionRow {
  id: string;
  user_name: string;
  identity: string;
  provider: string;
  created_at: string;
  expires_at: string;
}

/** Login sessions on an open, migrated SQLite database. */
export function sqliteSessionRepository(db: Database): SessionRepository {
  const insert = db.prepare<SessionRow>(
    'INSERT INTO login_sessions (id, user_name, identity, provider, created_at, expires_at) VALUES (@id, @user_name, @identity, @provider, @created_at, @expires_at)',
  );
  const select = db.prepare<[string], SessionRow>('SELECT * FROM login_sessions WHERE id = ?');
  const remove = db.prepare<[string]>('DELETE FROM login_sessions WHERE id = ?');
  const removeUser = db.prepare<[string]>('DELETE FROM login_sessions WHERE user_name = ?');
  const removeExpired = db.prepare<[string]>('DELETE FROM login_sessions WHERE expires_at < ?');
  return {
    create: async (session) => {
      insert.run({
        id: session.id,
        user_name: session.identity.user,
        identity: JSON.stringify(session.identity),
        provider: session.provider,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      });
    },
    get: async (id) => {
      const row = select.get(id);
      return row === undefined ? undefined : fromRow(row);
    },
    revoke: async (id) => remove.run(id).changes > 0,
    revokeUser: async (user) => removeUser.run(user).changes,
    deleteExpired: async (now) => removeExpired.run(now.toISOString()).changes,
  };
}

function fromRow(row: SessionRow): StoredSession {
  return {
    id: row.id,
    identity: JSON.parse(row.identity) as Identity,
    provider: row.provider,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
