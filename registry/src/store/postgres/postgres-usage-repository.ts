import type { Pool } from 'pg';
import type { UsageRecord } from '@mcpgw/lib/telemetry/usage-contract.js';
import { ROLLUP_PERIOD_MS, type RollupPeriod, type UsageRepository } from '../usage-repository.js';
import { fromRollupRow, type RollupRow } from '../usage-rollup-row.js';
import { inTransaction } from './in-transaction.js';

interface CountRow {
  kind: UsageRecord['kind'];
  server_path: string | null;
  tool: string | null;
  client_id: string | null;
  count: number;
  failures: number;
}

/** Usage records and roll-ups on PostgreSQL; times are stored as Unix milliseconds (bigint). */
export function postgresUsageRepository(pool: Pool): UsageRepository {
  return {
    append: async (records) => {
      if (records.length === 0) return;
      const columns = 8;
      const values: unknown[] = [];
      const rows = records.map((r, index) => {
        values.push(Date.parse(r.at), r.kind, r.serverPath, r.tool, r.clientId, r.success, r.reason, r.durationMs);
        return `(${Array.from({ length: columns }, (_, column) => `$${index * columns + column + 1}`).join(', ')})`;
      });
      await pool.query(
        `INSERT INTO usage_records (occurred_at, kind, server_path, tool, client_id, success, reason, duration_ms) VALUES ${rows.join(', ')}`,
        values,
      );
    },
    counts: async ({ from, to }) => {
      const { rows } = await pool.query<CountRow>(
        `SELECT kind, server_path, tool, client_id, count(*)::int AS count, sum(CASE WHEN success THEN 0 ELSE 1 END)::int AS failures
         FROM usage_records WHERE occurred_at >= $1 AND occurred_at < $2
         GROUP BY kind, server_path, tool, client_id`,
        [from.getTime(), to.getTime()],
      );
      return rows.map((row) => ({ kind: row.kind, serverPath: row.server_path, tool: row.tool, clientId: row.client_id, count: row.count, failures: row.failures }));
    },
    toolDurations: async ({ from, to }) => {
      const { rows } = await pool.query<{ server_path: string | null; tool: string | null; duration_ms: number }>(
        `SELECT server_path, tool, duration_ms FROM usage_records
         WHERE kind = 'tool' AND duration_ms IS NOT NULL AND occurred_at >= $1 AND occurred_at < $2`,
        [from.getTime(), to.getTime()],
      );
      return rows.map((row) => ({ serverPath: row.server_path, tool: row.tool, durationMs: row.duration_ms }));
    },
    authFailures: async ({ from, to }) => {
      const { rows } = await pool.query<{ server_path: string | null; reason: string; count: number }>(
        `SELECT server_path, coalesce(reason, 'unknown') AS reason, count(*)::int AS count FROM usage_records
         WHERE kind = 'auth' AND NOT success AND occurred_at >= $1 AND occurred_at < $2
         GROUP BY server_path, coalesce(reason, 'unknown')`,
        [from.getTime(), to.getTime()],
      );
      return rows.map((row) => ({ serverPath: row.server_path, reason: row.reason, count: row.count }));
    },
    rollUp: (period: RollupPeriod, { from, to }) =>
      inTransaction(pool, async (client) => {
        await client.query('DELETE FROM usage_rollups WHERE period = $1 AND bucket_start >= $2 AND bucket_start < $3', [period, from.getTime(), to.getTime()]);
        await client.query(
          `INSERT INTO usage_rollups (period, bucket_start, kind, server_path, tool, client_id, count, failures, duration_sum_ms, duration_max_ms)
           SELECT $1, (occurred_at / $2::bigint) * $2::bigint, kind, coalesce(server_path, ''), coalesce(tool, ''), coalesce(client_id, ''),
                  count(*), sum(CASE WHEN success THEN 0 ELSE 1 END), coalesce(sum(duration_ms), 0), max(duration_ms)
           FROM usage_records WHERE occurred_at >= $3 AND occurred_at < $4
           GROUP BY 2, 3, 4, 5, 6`,
          [period, ROLLUP_PERIOD_MS[period], from.getTime(), to.getTime()],
        );
      }),
    rollups: async (period, { from, to }) => {
      const { rows } = await pool.query<RollupRow>(
        `SELECT * FROM usage_rollups WHERE period = $1 AND bucket_start >= $2 AND bucket_start < $3
         ORDER BY bucket_start, kind, server_path, tool, client_id`,
        [period, from.getTime(), to.getTime()],
      );
      return rows.map(fromRollupRow);
    },
    purge: async (before) => {
      const removed = await pool.query('DELETE FROM usage_records WHERE occurred_at < $1', [before.getTime()]);
      await pool.query('DELETE FROM usage_rollups WHERE bucket_start < $1', [before.getTime()]);
      return removed.rowCount ?? 0;
    },
  };
}
