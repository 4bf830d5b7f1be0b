/** closed: in rotation; open: out of rotation until the cool-down ends; half-open: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  /** Consecutive failures that take a replica out of rotation. */
  failureThreshold: number;
  /** How long a replica stays out before one probe request may try it again. */
  coolDownMs: number;
}

export const BREAKER_DEFAULTS: BreakerSettings = { failureThreshold: 5, coolDownMs: 10_000 };

export interface CircuitBreaker {
  readonly state: BreakerState;
  /** Whether a request may go to the replica now; in half-open, true once for the probe. */
  tryAcquire(nowMs: number): boolean;
  /** Whether the replica would take a request now, without claiming the probe. */
  available(nowMs: number): boolean;
  succeeded(): void;
  failed(nowMs: number): void;
  /** Gives back a probe whose outcome says nothing about the replica (the client went away). */
  released(): void;
}

/**
 * A circuit breaker over consecutive failures: `failureThreshold` failures in a row open it, after
 * `coolDownMs` it lets one probe through (half-open); the probe's success closes it, its failure
 * opens it for another cool-down. `onChange` hears every change of state.
 */
export function createCircuitBreaker(settings: BreakerSettings, onChange: (from: BreakerState, to: BreakerState) => void = () => {}): CircuitBreaker {
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAtMs = 0;
  let probing = false;
  const move = (to: BreakerState): void => {
    if (to === state) return;
    const from = state;
    state = to;
    onChange(from, to);
  };
  const coolDownOver = (nowMs: number): boolean => nowMs - openedAtMs >= settings.coolDownMs;

  return {
    get state() {
      return state;
    },
    available(nowMs) {
      if (state === 'closed') return true;
      return !probing && (state === 'half-open' || coolDownOver(nowMs));
    },
    tryAcquire(nowMs) {
      if (state === 'closed') return true;
      if (probing) return false;
      if (state === 'open') {
        if (!coolDownOver(nowMs)) return false;
        move('half-open');
      }
      probing = true;
      return true;
    },
    succeeded() {
      failures = 0;
      probing = false;
      move('closed');
    },
    failed(nowMs) {
      failures += 1;
      if (state === 'half-open' || failures >= settings.failureThreshold) {
        probing = false;
        openedAtMs = nowMs;
        move('open');
      }
    },
    released() {
      probing = false;
    },
  };
}
