import type { Database } from 'better-sqlite3';
import type { RepositoryOptions } from '../server-repository.js';
import type { AuditEntry, AuditRepository } from '../audit-repository.js';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

/** The audit log on SQLite: `at` is ISO 8601 text (sortable), before/after JSON text. */
export function sqliteAuditRepository(db: Database, options: RepositoryOptions = {}): AuditRepository {
  const clock = options.clock ?? (() => new Date());
  const insert = db.prepare<[string, string, string, string, string | null, string | null], AuditRow>(
    'INSERT INTO audit_log (at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
  );
  const select = db.prepare<[string, string], AuditRow>('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY id');
  return {
    append: async (entry) => {
      const row = insert.get(clock().toISOString(), entry.actor, entry.action, entry.target, json(entry.before), json(entry.after));
      return fromRow(row as AuditRow);
    },
    list: async ({ from, to }) => select.all(from.toISOString(), to.toISOString()).map(fromRow),
  };
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function fromRow(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  };
}
