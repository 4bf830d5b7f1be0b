import type { Pool } from 'pg';
import type { RepositoryOptions } from '../server-repository.js';
import type { AuditEntry, AuditRepository } from '../audit-repository.js';

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

/** The audit log on PostgreSQL: before/after as jsonb. */
export function postgresAuditRepository(pool: Pool, options: RepositoryOptions = {}): AuditRepository {
  const clock = options.clock ?? (() => new Date());
  return {
    append: async (entry) => {
      const { rows } = await pool.query<AuditRow>(
        'INSERT INTO audit_log (at, actor, action, target, before, after) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [clock(), entry.actor, entry.action, entry.target, json(entry.before), json(entry.after)],
      );
      return fromRow(rows[0] as AuditRow);
    },
    list: async ({ from, to }) => {
      const { rows } = await pool.query<AuditRow>('SELECT * FROM audit_log WHERE at >= $1 AND at < $2 ORDER BY id', [from, to]);
      return rows.map(fromRow);
    },
  };
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function fromRow(row: AuditRow): AuditEntry {
  return { id: Number(row.id), at: row.at.toISOString(), actor: row.actor, action: row.action, target: row.target, before: row.before ?? null, after: row.after ?? null };
}
