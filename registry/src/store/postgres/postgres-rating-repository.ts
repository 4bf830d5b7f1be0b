import type { Pool } from 'pg';
import { ratingSummary, type RatingRepository, type RatingSummary } from '../rating-repository.js';
import type { RepositoryOptions } from '../server-repository.js';

interface SummaryRow {
  path: string;
  total: string | null;
  count: string;
}

/** The RatingRepository on PostgreSQL; a re-rating replaces the row in one statement. */
export function postgresRatingRepository(pool: Pool, options: RepositoryOptions = {}): RatingRepository {
  const clock = options.clock ?? (() => new Date());
  const summaryOf = (row: SummaryRow | undefined): RatingSummary => ratingSummary(Number(row?.total ?? 0), Number(row?.count ?? 0));
  return {
    rate: async (target, user, stars) => {
      await pool.query(
        `INSERT INTO ratings (kind, path, user_id, stars, rated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, path, user_id) DO UPDATE SET stars = excluded.stars, rated_at = excluded.rated_at`,
        [target.kind, target.path, user, stars, clock().toISOString()],
      );
    },
    summary: async (target) =>
      summaryOf(
        (await pool.query<SummaryRow>('SELECT $2::text AS path, sum(stars) AS total, count(*) AS count FROM ratings WHERE kind = $1 AND path = $2', [target.kind, target.path]))
          .rows[0],
      ),
    summaries: async (kind) => {
      const { rows } = await pool.query<SummaryRow>('SELECT path, sum(stars) AS total, count(*) AS count FROM ratings WHERE kind = $1 GROUP BY path', [kind]);
      return new Map(rows.map((row) => [row.path, summaryOf(row)]));
    },
    userRating: async (target, user) =>
      (await pool.query<{ stars: number }>('SELECT stars FROM ratings WHERE kind = $1 AND path = $2 AND user_id = $3', [target.kind, target.path, user])).rows[0]?.stars,
    removeAll: async (target) => {
      await pool.query('DELETE FROM ratings WHERE kind = $1 AND path = $2', [target.kind, target.path]);
    },
  };
}
