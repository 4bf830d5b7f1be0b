/**
 * Counts events per key in a fixed window (in memory, per replica). `blockedFor` says how long a key
 * must wait, in seconds, once it reached the limit; the window starts at a key's first event.
 */
export interface WindowLimiter {
  /** Seconds until the key may act again; 0 when it may now. */
  blockedFor(key: string): number;
  record(key: string): void;
  reset(key: string): void;
}

const MAX_KEYS = 10_000;

export function createWindowLimiter(limit: number, windowMs: number, clock: () => number = Date.now): WindowLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string) => {
    const window = windows.get(key);
    if (window !== undefined && clock() - window.start >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  return {
    blockedFor(key) {
      const window = current(key);
      if (window === undefined || window.count < limit) return 0;
      return Math.max(1, Math.ceil((window.start + windowMs - clock()) / 1000));
    },
    record(key) {
      const window = current(key);
      if (window !== undefined) {
        window.count += 1;
        return;
      }
      // Bounded memory: the oldest window goes first (a Map keeps insertion order).
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value as string);
      windows.set(key, { start: clock(), count: 1 });
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
