import type { Database, Statement } from 'better-sqlite3';
import { ratingSummary, type RatingRepository, type RatingSummary } from '../rating-repository.js';
import type { RepositoryOptions } from '../server-repository.js';

interface SummaryRow {
  path: string;
  total: number;
  count: number;
}

/** The RatingRepository on an open, migrated SQLite database. */
export function sqliteRatingRepository(db: Database, options: RepositoryOptions = {}): RatingRepository {
  const clock = options.clock ?? (() => new Date());
  const upsert: Statement<[string, string, string, number, string]> = db.prepare(
    `INSERT INTO ratings (kind, path, user_id, stars, rated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kind, path, user_id) DO UPDATE SET stars = excluded.stars, rated_at = excluded.rated_at`,
  );
  const summaryOne: Statement<[string, string], SummaryRow> = db.prepare(
    'SELECT path, coalesce(sum(stars), 0) AS total, count(*) AS count FROM ratings WHERE kind = ? AND path = ?',
  );
  const summaryAll: Statement<[string], SummaryRow> = db.prepare(
    'SELECT path, sum(stars) AS total, count(*) AS count FROM ratings WHERE kind = ? GROUP BY path',
  );
  const own: Statement<[string, string, string], { stars: number }> = db.prepare(
    'SELECT stars FROM ratings WHERE kind = ? AND path = ? AND user_id = ?',
  );
  const removeAll: Statement<[string, string]> = db.prepare('DELETE FROM ratings WHERE kind = ? AND path = ?');

  return {
    rate: async (target, user, stars) => {
      upsert.run(target.kind, target.path, user, stars, clock().toISOString());
    },
    summary: async (target) => {
      const row = summaryOne.get(target.kind, target.path);
      return ratingSummary(row?.total ?? 0, row?.count ?? 0);
    },
    summaries: async (kind) => new Map<string, RatingSummary>(summaryAll.all(kind).map((row) => [row.path, ratingSummary(row.total, row.count)])),
    userRating: async (target, user) => own.get(target.kind, target.path, user)?.stars,
    removeAll: async (target) => {
      removeAll.run(target.kind, target.path);
    },
  };
}
