import type { Caller } from '../auth/authenticate-caller.js';
import type { TimeRange, UsageRepository } from '../store/usage-repository.js';
import type { RollupPeriod, UsageRollup } from '../store/usage-repository.js';
import { callerSight } from './caller-sight.js';
import { percentiles } from './percentiles.js';

export interface ToolUsage {
  serverPath: string | null;
  tool: string | null;
  calls: number;
  failures: number;
  successRate: number;
}

export interface ServerSuccess {
  serverPath: string | null;
  calls: number;
  failures: number;
  successRate: number;
}

export interface ToolLatency {
  serverPath: string | null;
  tool: string | null;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface ClientUsage {
  clientId: string | null;
  toolCalls: number;
  authChecks: number;
  /** Searches of the registry (GET /api/search); seen only by callers who may list every server. */
  discoveryQueries: number;
  failures: number;
}

export interface ReasonTotal {
  reason: string;
  count: number;
}

/** Questions about usage over a time range, answered only from the servers the caller may see. */
export interface AnalyticsService {
  topTools(caller: Caller, range: TimeRange, limit: number): Promise<ToolUsage[]>;
  successRates(caller: Caller, range: TimeRange): Promise<ServerSuccess[]>;
  latency(caller: Caller, range: TimeRange): Promise<ToolLatency[]>;
  clients(caller: Caller, range: TimeRange): Promise<ClientUsage[]>;
  authFailures(caller: Caller, range: TimeRange): Promise<ReasonTotal[]>;
  rollups(caller: Caller, period: RollupPeriod, range: TimeRange): Promise<UsageRollup[]>;
}

export function createAnalyticsService(usage: UsageRepository): AnalyticsService {
  const visibleCounts = async (caller: Caller, range: TimeRange) => {
    const sees = callerSight(caller);
    return (await usage.counts(range)).filter((count) => sees(count.serverPath));
  };
  return {
    async topTools(caller, range, limit) {
      const byTool = new Map<string, ToolUsage>();
      for (const count of await visibleCounts(caller, range)) {
        if (count.kind !== 'tool') continue;
        const key = `${count.serverPath}\n${count.tool}`;
        const entry = byTool.get(key) ?? { serverPath: count.serverPath, tool: count.tool, calls: 0, failures: 0, successRate: 1 };
        entry.calls += count.count;
        entry.failures += count.failures;
        byTool.set(key, entry);
      }
      return [...byTool.values()]
        .map((entry) => ({ ...entry, successRate: rate(entry.calls, entry.failures) }))
        .sort((a, b) => b.calls - a.calls || String(a.serverPath).localeCompare(String(b.serverPath)) || String(a.tool).localeCompare(String(b.tool)))
        .slice(0, limit);
    },
    async successRates(caller, range) {
      const byServer = new Map<string | null, ServerSuccess>();
      for (const count of await visibleCounts(caller, range)) {
        if (count.kind !== 'tool') continue;
        const entry = byServer.get(count.serverPath) ?? { serverPath: count.serverPath, calls: 0, failures: 0, successRate: 1 };
        entry.calls += count.count;
        entry.failures += count.failures;
        byServer.set(count.serverPath, entry);
      }
      return [...byServer.values()].map((entry) => ({ ...entry, successRate: rate(entry.calls, entry.failures) })).sort((a, b) => String(a.serverPath).localeCompare(String(b.serverPath)));
    },
    async latency(caller, range) {
      const sees = callerSight(caller);
      const byTool = new Map<string, { serverPath: string | null; tool: string | null; values: number[] }>();
      for (const duration of await usage.toolDurations(range)) {
        if (!sees(duration.serverPath)) continue;
        const key = `${duration.serverPath}\n${duration.tool}`;
        const entry = byTool.get(key) ?? { serverPath: duration.serverPath, tool: duration.tool, values: [] };
        entry.values.push(duration.durationMs);
        byTool.set(key, entry);
      }
      return [...byTool.values()]
        .map(({ serverPath, tool, values }) => {
          const [p50Ms, p95Ms, p99Ms] = percentiles(values, [50, 95, 99]) as [number, number, number];
          return { serverPath, tool, count: values.length, p50Ms, p95Ms, p99Ms };
        })
        .sort((a, b) => String(a.serverPath).localeCompare(String(b.serverPath)) || String(a.tool).localeCompare(String(b.tool)));
    },
    async clients(caller, range) {
      const byClient = new Map<string | null, ClientUsage>();
      for (const count of await visibleCounts(caller, range)) {
        const entry = byClient.get(count.clientId) ?? { clientId: count.clientId, toolCalls: 0, authChecks: 0, discoveryQueries: 0, failures: 0 };
        if (count.kind === 'tool') entry.toolCalls += count.count;
        else if (count.kind === 'discovery') entry.discoveryQueries += count.count;
        else entry.authChecks += count.count;
        entry.failures += count.failures;
        byClient.set(count.clientId, entry);
      }
      return [...byClient.values()].sort((a, b) => b.toolCalls + b.authChecks - (a.toolCalls + a.authChecks));
    },
    async authFailures(caller, range) {
      const sees = callerSight(caller);
      const byReason = new Map<string, number>();
      for (const failure of await usage.authFailures(range)) {
        if (sees(failure.serverPath)) byReason.set(failure.reason, (byReason.get(failure.reason) ?? 0) + failure.count);
      }
      return [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    },
    async rollups(caller, period, range) {
      const sees = callerSight(caller);
      return (await usage.rollups(period, range)).filter((rollup) => sees(rollup.serverPath));
    },
  };
}

function rate(calls: number, failures: number): number {
  return calls === 0 ? 1 : (calls - failures) / calls;
}
