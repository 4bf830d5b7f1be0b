/** What the scheduler needs of timers; tests may pass their own. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout): void;
}

export interface HealthScheduler {
  /** Stops scheduling and waits for a round in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `intervalMs`, measured from the end of the previous round so that rounds never
 * overlap; the first round runs after one interval. A round that throws is reported and the next
 * one still runs. The timer does not keep the process alive.
 */
export function scheduleHealthChecks(round: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void, timers: Timers = globalThis): HealthScheduler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const next = (): void => {
    if (stopped) return;
    timer = timers.setTimeout(() => {
      running = round().catch(onError).finally(next);
    }, intervalMs);
    timer.unref?.();
  };
  if (intervalMs > 0) next();
  return {
    stop: async () => {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      await running;
    },
  };
}
