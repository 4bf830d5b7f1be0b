import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { ROLLUP_PERIOD_MS, type RollupPeriod, type UsageRepository } from '../store/usage-repository.js';

export const DEFAULT_RETENTION_DAYS = 90;
export const MAINTENANCE_INTERVAL_MS = 10 * 60_000;
const DAY_MS = ROLLUP_PERIOD_MS.day;

export interface UsageMaintenance {
  /** Rolls up the current and previous hour and day, and purges what is past retention. */
  runOnce(): Promise<void>;
  close(): void;
}

/**
 * Keeps the roll-ups current and the tables within METRICS_RETENTION_DAYS: at start and every ten
 * minutes, the current and previous hourly and daily buckets are recomputed (roll-ups are idempotent,
 * so a late batch is counted at the next run), and records and roll-ups older than the retention go.
 */
export function startUsageMaintenance(options: {
  usage: UsageRepository;
  retentionDays: number;
  logger: Logger;
  intervalMs?: number;
  now?: () => Date;
}): UsageMaintenance {
  const now = options.now ?? (() => new Date());
  const window = (period: RollupPeriod, at: number) => {
    const size = ROLLUP_PERIOD_MS[period];
    const start = Math.floor(at / size) * size;
    return { from: new Date(start - size), to: new Date(start + size) };
  };
  let running: Promise<void> | undefined;
  const runOnce = (): Promise<void> =>
    (running ??= (async () => {
      const at = now().getTime();
      await options.usage.rollUp('hour', window('hour', at));
      await options.usage.rollUp('day', window('day', at));
      const removed = await options.usage.purge(new Date(at - options.retentionDays * DAY_MS));
      if (removed > 0) options.logger.info({ removed, retentionDays: options.retentionDays }, 'usage records past retention removed');
    })().finally(() => {
      running = undefined;
    }));
  const run = () => {
    runOnce().catch((error: unknown) => options.logger.error({ err: error }, 'usage roll-up or retention failed; it is retried at the next run'));
  };
  run();
  const timer = setInterval(run, options.intervalMs ?? MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return { runOnce, close: () => clearInterval(timer) };
}
