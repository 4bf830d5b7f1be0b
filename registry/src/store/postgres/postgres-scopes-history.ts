import type { Pool, PoolClient } from 'pg';
import type { RepositoryOptions } from '../server-repository.js';
import {
  SCOPES_HISTORY_LIMIT,
  type ScopesEdit,
  type ScopesHistoryRepository,
  type ScopesRevision,
  type ScopesRevisionSummary,
} from '../scopes-history-repository.js';
import { inTransaction } from './in-transaction.js';

interface RevisionRow {
  revision: number;
  text: string;
  author: string;
  action: string;
  created_at: Date;
}

type Queryable = Pick<PoolClient, 'query'>;

/**
 * The scopes history on PostgreSQL. exclusive() holds a transaction-scoped advisory lock, so one
 * edit runs at a time across every replica, and its appends commit only when the edit succeeds.
 */
export function postgresScopesHistory(pool: Pool, options: RepositoryOptions = {}): ScopesHistoryRepository {
  const clock = options.clock ?? (() => new Date());
  const latest = async (db: Queryable): Promise<ScopesRevision | undefined> => {
    const { rows } = await db.query<RevisionRow>('SELECT * FROM scopes_revisions ORDER BY revision DESC LIMIT 1');
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  };

  return {
    latest: () => latest(pool),
    get: async (revision) => {
      const { rows } = await pool.query<RevisionRow>('SELECT * FROM scopes_revisions WHERE revision = $1', [revision]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    list: async () => {
      const { rows } = await pool.query<Omit<RevisionRow, 'text'>>(
        'SELECT revision, author, action, created_at FROM scopes_revisions ORDER BY revision DESC',
      );
      return rows.map(summaryOf);
    },
    exclusive: (work) =>
      inTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpgw.scopes.' || current_schema()))");
        const edit: ScopesEdit = {
          latest: () => latest(client),
          append: async (entry) => {
            const revision = ((await latest(client))?.revision ?? 0) + 1;
            const { rows } = await client.query<RevisionRow>(
              'INSERT INTO scopes_revisions (revision, text, author, action, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
              [revision, entry.text, entry.author, entry.action, clock().toISOString()],
            );
            await client.query('DELETE FROM scopes_revisions WHERE revision <= $1', [revision - SCOPES_HISTORY_LIMIT]);
            return fromRow(rows[0] as RevisionRow);
          },
        };
        return work(edit);
      }),
  };
}

function summaryOf(row: Omit<RevisionRow, 'text'>): ScopesRevisionSummary {
  return { revision: row.revision, author: row.author, action: row.action, createdAt: row.created_at.toISOString() };
}

function fromRow(row: RevisionRow): ScopesRevision {
  return { ...summaryOf(row), text: row.text };
}
