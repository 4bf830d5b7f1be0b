import type { UsageRecord } from '@mcpgw/lib/telemetry/usage-contract.js';
import type { RollupPeriod, UsageRollup } from './usage-repository.js';

/** A usage_rollups row as both backends return it (PostgreSQL gives bigint columns as strings). */
export interface RollupRow {
  period: RollupPeriod;
  bucket_start: number | string;
  kind: UsageRecord['kind'];
  server_path: string;
  tool: string;
  client_id: string;
  count: number;
  failures: number;
  duration_sum_ms: number;
  duration_max_ms: number | null;
}

export function fromRollupRow(row: RollupRow): UsageRollup {
  return {
    period: row.period,
    bucketStart: new Date(Number(row.bucket_start)).toISOString(),
    kind: row.kind,
    serverPath: row.server_path === '' ? null : row.server_path,
    tool: row.tool === '' ? null : row.tool,
    clientId: row.client_id === '' ? null : row.client_id,
    count: Number(row.count),
    failures: Number(row.failures),
    durationSumMs: Number(row.duration_sum_ms),
    durationMaxMs: row.duration_max_ms === null ? null : Number(row.duration_max_ms),
  };
}
