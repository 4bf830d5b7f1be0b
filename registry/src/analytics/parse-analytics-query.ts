import { RegistryError, type RegistryProblem } from '../errors/registry-error.js';
import type { RollupPeriod, TimeRange } from '../store/usage-repository.js';

export const DEFAULT_RANGE_MS = 24 * 3_600_000;
export const DEFAULT_TOP_LIMIT = 10;
export const MAX_TOP_LIMIT = 100;

export interface AnalyticsQuery {
  range: TimeRange;
  limit: number;
  period: RollupPeriod;
}

/**
 * `from` and `to` (ISO 8601; default the last 24 hours up to now), `limit` (1-100, default 10) and
 * `period` (hour or day); throws REGISTRY_INVALID_QUERY listing every bad parameter.
 */
export function parseAnalyticsQuery(query: Record<string, unknown>, now: Date = new Date()): AnalyticsQuery {
  const problems: RegistryProblem[] = [];
  const time = (name: 'from' | 'to'): Date | undefined => {
    const text = single(query, name, problems);
    if (text === undefined) return undefined;
    const parsed = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(parsed.getTime())) problems.push({ path: name, message: 'must be an ISO 8601 time such as 2026-01-31T00:00:00Z' });
    return parsed;
  };
  const to = time('to') ?? now;
  const from = time('from') ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (problems.length === 0 && from.getTime() >= to.getTime()) problems.push({ path: 'from', message: 'must be before `to`' });

  let limit = DEFAULT_TOP_LIMIT;
  const limitText = single(query, 'limit', problems);
  if (limitText !== undefined) {
    limit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_TOP_LIMIT)) problems.push({ path: 'limit', message: `must be an integer from 1 to ${MAX_TOP_LIMIT}` });
  }
  const periodText = single(query, 'period', problems) ?? 'hour';
  if (periodText !== 'hour' && periodText !== 'day') problems.push({ path: 'period', message: 'must be hour or day' });

  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new RegistryError('REGISTRY_INVALID_QUERY', 400, `the query is invalid; fix these and retry: ${summary}`, { problems });
  }
  return { range: { from, to }, limit, period: periodText as RollupPeriod };
}

function single(query: Record<string, unknown>, name: string, problems: RegistryProblem[]): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push({ path: name, message: 'give it once' });
    return undefined;
  }
  return value;
}
