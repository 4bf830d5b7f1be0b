import type { HealthRecord } from '../store/health-repository.js';
import type { CheckOutcome } from './check-server.js';

export interface HysteresisSettings {
  /** Consecutive failed checks before a routed server is withdrawn from the gateways. */
  failuresToWithdraw: number;
  /** Consecutive passed checks before a withdrawn server is routed again. */
  successesToRestore: number;
}

/** A server never checked: unknown, and routed (a new server is not withheld for lack of checks). */
export function initialHealth(path: string): HealthRecord {
  return {
    path,
    status: 'unknown',
    reason: null,
    checkedAt: null,
    latencyMs: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    routed: true,
    routeRegardless: false,
  };
}

/**
 * The record after one check: the outcome and time, the streak counters, and routing flipped only
 * when a streak reaches its threshold, so that one failed (or passed) check does not flap the route.
 */
export function applyHysteresis(previous: HealthRecord, outcome: CheckOutcome, checkedAt: Date, settings: HysteresisSettings): HealthRecord {
  const passed = outcome.status === 'healthy';
  const consecutiveFailures = passed ? 0 : previous.consecutiveFailures + 1;
  const consecutiveSuccesses = passed ? previous.consecutiveSuccesses + 1 : 0;
  let routed = previous.routed;
  if (routed && consecutiveFailures >= settings.failuresToWithdraw) routed = false;
  if (!routed && consecutiveSuccesses >= settings.successesToRestore) routed = true;
  return {
    ...previous,
    status: outcome.status,
    reason: outcome.reason,
    checkedAt: checkedAt.toISOString(),
    latencyMs: outcome.latencyMs,
    consecutiveFailures,
    consecutiveSuccesses,
    routed,
  };
}
