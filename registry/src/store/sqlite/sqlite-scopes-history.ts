import type { Database, Statement } from 'better-sqlite3';
import type { RepositoryOptions } from '../server-repository.js';
import {
  SCOPES_HISTORY_LIMIT,
  type NewScopesRevision,
  type ScopesEdit,
  type ScopesHistoryRepository,
  type ScopesRevision,
  type ScopesRevisionSummary,
} from '../scopes-history-repository.js';

interface RevisionRow {
  revision: number;
  text: string;
  author: string;
  action: string;
  created_at: string;
}

/**
 * The scopes history on SQLite. exclusive() serialises edits within this process; each append is
 * its own transaction, and the revision number is the primary key, so a second process editing at
 * the same moment fails instead of overwriting (several replicas belong on PostgreSQL).
 */
export function sqliteScopesHistory(db: Database, options: RepositoryOptions = {}): ScopesHistoryRepository {
  const clock = options.clock ?? (() => new Date());
  const selectLatest: Statement<[], RevisionRow> = db.prepare('SELECT * FROM scopes_revisions ORDER BY revision DESC LIMIT 1');
  const selectOne: Statement<[number], RevisionRow> = db.prepare('SELECT * FROM scopes_revisions WHERE revision = ?');
  const selectAll: Statement<[], Omit<RevisionRow, 'text'>> = db.prepare(
    'SELECT revision, author, action, created_at FROM scopes_revisions ORDER BY revision DESC',
  );
  const insert: Statement<RevisionRow> = db.prepare(
    'INSERT INTO scopes_revisions (revision, text, author, action, created_at) VALUES (@revision, @text, @author, @action, @created_at)',
  );
  const prune: Statement<[number]> = db.prepare('DELETE FROM scopes_revisions WHERE revision <= ?');

  const latest = async (): Promise<ScopesRevision | undefined> => {
    const row = selectLatest.get();
    return row === undefined ? undefined : fromRow(row);
  };
  const append = db.transaction((entry: NewScopesRevision): ScopesRevision => {
    const revision = (selectLatest.get()?.revision ?? 0) + 1;
    const row: RevisionRow = { revision, text: entry.text, author: entry.author, action: entry.action, created_at: clock().toISOString() };
    insert.run(row);
    prune.run(revision - SCOPES_HISTORY_LIMIT);
    return fromRow(row);
  });
  const edit: ScopesEdit = { latest, append: async (entry) => append.immediate(entry) };
  let tail: Promise<unknown> = Promise.resolve();

  return {
    latest,
    get: async (revision) => {
      const row = selectOne.get(revision);
      return row === undefined ? undefined : fromRow(row);
    },
    list: async () => selectAll.all().map(summaryOf),
    exclusive: <T>(work: (edit: ScopesEdit) => Promise<T>): Promise<T> => {
      const run = tail.then(() => work(edit));
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

function summaryOf(row: Omit<RevisionRow, 'text'>): ScopesRevisionSummary {
  return { revision: row.revision, author: row.author, action: row.action, createdAt: row.created_at };
}

function fromRow(row: RevisionRow): ScopesRevision {
  return { ...summaryOf(row), text: row.text };
}
