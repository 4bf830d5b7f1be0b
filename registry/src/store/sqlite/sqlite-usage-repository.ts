import type { Database } from 'better-sqlite3';
import type { UsageRecord } from '@mcpgw/lib/telemetry/usage-contract.js';
import { ROLLUP_PERIOD_MS, type ReasonCount, type RollupPeriod, type UsageCount, type UsageDuration, type UsageRepository } from '../usage-repository.js';
import { fromRollupRow, type RollupRow } from '../usage-rollup-row.js';

interface CountRow {
  kind: UsageRecord['kind'];
  server_path: string | null;
  tool: string | null;
  client_id: string | null;
  count: number;
  failures: number;
}


/** Usage records and roll-ups on SQLite; times are stored as Unix milliseconds. */
export function sqliteUsageRepository(db: Database): UsageRepository {
  const insert = db.prepare(
    `INSERT INTO usage_records (occurred_at, kind, server_path, tool, client_id, success, reason, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const appendAll = db.transaction((records: readonly UsageRecord[]) => {
    for (const r of records) insert.run(Date.parse(r.at), r.kind, r.serverPath, r.tool, r.clientId, r.success ? 1 : 0, r.reason, r.durationMs);
  });
  const counts = db.prepare<[number, number], CountRow>(
    `SELECT kind, server_path, tool, client_id, count(*) AS count, sum(1 - success) AS failures
     FROM usage_records WHERE occurred_at >= ? AND occurred_at < ?
     GROUP BY kind, server_path, tool, client_id`,
  );
  const durations = db.prepare<[number, number], { server_path: string | null; tool: string | null; duration_ms: number }>(
    `SELECT server_path, tool, duration_ms FROM usage_records
     WHERE kind = 'tool' AND duration_ms IS NOT NULL AND occurred_at >= ? AND occurred_at < ?`,
  );
  const failures = db.prepare<[number, number], { server_path: string | null; reason: string; count: number }>(
    `SELECT server_path, coalesce(reason, 'unknown') AS reason, count(*) AS count FROM usage_records
     WHERE kind = 'auth' AND success = 0 AND occurred_at >= ? AND occurred_at < ?
     GROUP BY server_path, coalesce(reason, 'unknown')`,
  );
  const clearRollups = db.prepare('DELETE FROM usage_rollups WHERE period = ? AND bucket_start >= ? AND bucket_start < ?');
  const insertRollups = db.prepare(
    `INSERT INTO usage_rollups (period, bucket_start, kind, server_path, tool, client_id, count, failures, duration_sum_ms, duration_max_ms)
     SELECT @period, (occurred_at / CAST(@size AS INTEGER)) * CAST(@size AS INTEGER), kind, coalesce(server_path, ''), coalesce(tool, ''), coalesce(client_id, ''),
            count(*), sum(1 - success), coalesce(sum(duration_ms), 0), max(duration_ms)
     FROM usage_records WHERE occurred_at >= @from AND occurred_at < @to
     GROUP BY (occurred_at / CAST(@size AS INTEGER)) * CAST(@size AS INTEGER), kind, coalesce(server_path, ''), coalesce(tool, ''), coalesce(client_id, '')`,
  );
  const rollUp = db.transaction((period: RollupPeriod, from: number, to: number) => {
    clearRollups.run(period, from, to);
    insertRollups.run({ period, size: ROLLUP_PERIOD_MS[period], from, to });
  });
  const selectRollups = db.prepare<[string, number, number], RollupRow>(
    `SELECT * FROM usage_rollups WHERE period = ? AND bucket_start >= ? AND bucket_start < ?
     ORDER BY bucket_start, kind, server_path, tool, client_id`,
  );
  const purgeRecords = db.prepare('DELETE FROM usage_records WHERE occurred_at < ?');
  const purgeRollups = db.prepare('DELETE FROM usage_rollups WHERE bucket_start < ?');

  return {
    append: async (records) => {
      appendAll(records);
    },
    counts: async ({ from, to }): Promise<UsageCount[]> =>
      counts.all(from.getTime(), to.getTime()).map((row) => ({
        kind: row.kind,
        serverPath: row.server_path,
        tool: row.tool,
        clientId: row.client_id,
        count: row.count,
        failures: row.failures,
      })),
    toolDurations: async ({ from, to }): Promise<UsageDuration[]> =>
      durations.all(from.getTime(), to.getTime()).map((row) => ({ serverPath: row.server_path, tool: row.tool, durationMs: row.duration_ms })),
    authFailures: async ({ from, to }): Promise<ReasonCount[]> =>
      failures.all(from.getTime(), to.getTime()).map((row) => ({ serverPath: row.server_path, reason: row.reason, count: row.count })),
    rollUp: async (period, { from, to }) => {
      rollUp(period, from.getTime(), to.getTime());
    },
    rollups: async (period, { from, to }) => selectRollups.all(period, from.getTime(), to.getTime()).map(fromRollupRow),
    purge: async (before) => {
      const removed = purgeRecords.run(before.getTime()).changes;
      purgeRollups.run(before.getTime());
      return removed;
    },
  };
}
