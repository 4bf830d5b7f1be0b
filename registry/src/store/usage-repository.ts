import type { UsageRecord } from '@mcpgw/lib/telemetry/usage-contract.js';

/** A half-open time range [from, to). */
export interface TimeRange {
  from: Date;
  to: Date;
}

export type RollupPeriod = 'hour' | 'day';
export const ROLLUP_PERIOD_MS: Record<RollupPeriod, number> = { hour: 3_600_000, day: 86_400_000 };

/** Counts of one kind of record for one server, tool and client. */
export interface UsageCount {
  kind: UsageRecord['kind'];
  serverPath: string | null;
  tool: string | null;
  clientId: string | null;
  count: number;
  failures: number;
}

export interface UsageDuration {
  serverPath: string | null;
  tool: string | null;
  durationMs: number;
}

export interface ReasonCount {
  serverPath: string | null;
  reason: string;
  count: number;
}

export interface UsageRollup {
  period: RollupPeriod;
  bucketStart: string;
  kind: UsageRecord['kind'];
  serverPath: string | null;
  tool: string | null;
  clientId: string | null;
  count: number;
  failures: number;
  durationSumMs: number;
  durationMaxMs: number | null;
}

/**
 * Usage records (tool executions, access checks, discovery queries) and their hourly and daily
 * roll-ups. Aggregates are grouped by server path, so that the caller can keep only what it may see.
 */
export interface UsageRepository {
  append(records: readonly UsageRecord[]): Promise<void>;
  /** Counts per kind, server, tool and client in the range. */
  counts(range: TimeRange): Promise<UsageCount[]>;
  /** Durations of tool executions in the range, for percentiles. */
  toolDurations(range: TimeRange): Promise<UsageDuration[]>;
  /** Failed access checks in the range by server and reason. */
  authFailures(range: TimeRange): Promise<ReasonCount[]>;
  /** Recomputes the roll-ups of every `period` bucket that starts in the range (idempotent). */
  rollUp(period: RollupPeriod, range: TimeRange): Promise<void>;
  rollups(period: RollupPeriod, range: TimeRange): Promise<UsageRollup[]>;
  /** Deletes records and roll-ups older than `before`; returns how many records went. */
  purge(before: Date): Promise<number>;
}
