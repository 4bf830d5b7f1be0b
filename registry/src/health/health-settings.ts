import { envInt } from '@mcpgw/lib/config/env.js';
import { linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import type { HysteresisSettings } from './apply-hysteresis.js';

export const DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS = 60;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS = 10;
export const DEFAULT_HEALTH_FAILURES_TO_WITHDRAW = 3;
export const DEFAULT_HEALTH_SUCCESSES_TO_RESTORE = 2;

export interface HealthSettings extends HysteresisSettings {
  /** Between the end of one round of checks and the start of the next; 0 turns rounds off (refresh still works). */
  intervalMs: number;
  /** The limit of one check, discovery included. */
  timeoutMs: number;
  allowLinkLocal: boolean;
}

/**
 * HEALTH_CHECK_INTERVAL_SECONDS, HEALTH_CHECK_TIMEOUT_SECONDS, HEALTH_FAILURES_TO_WITHDRAW,
 * HEALTH_SUCCESSES_TO_RESTORE and UPSTREAM_ALLOW_LINK_LOCAL.
 */
export function healthSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HealthSettings {
  return checkHealthSettings({
    intervalMs: envInt('HEALTH_CHECK_INTERVAL_SECONDS', DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS, env) * 1000,
    timeoutMs: envInt('HEALTH_CHECK_TIMEOUT_SECONDS', DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS, env) * 1000,
    failuresToWithdraw: envInt('HEALTH_FAILURES_TO_WITHDRAW', DEFAULT_HEALTH_FAILURES_TO_WITHDRAW, env),
    successesToRestore: envInt('HEALTH_SUCCESSES_TO_RESTORE', DEFAULT_HEALTH_SUCCESSES_TO_RESTORE, env),
    allowLinkLocal: linkLocalUpstreamsAllowed(env),
  });
}

/** Refuses settings that cannot work, naming every problem at once; the result is frozen. */
export function checkHealthSettings(settings: HealthSettings): Readonly<HealthSettings> {
  const problems: string[] = [];
  if (settings.timeoutMs < 1) problems.push('HEALTH_CHECK_TIMEOUT_SECONDS must be at least 1');
  if (settings.failuresToWithdraw < 1) problems.push('HEALTH_FAILURES_TO_WITHDRAW must be at least 1');
  if (settings.successesToRestore < 1) problems.push('HEALTH_SUCCESSES_TO_RESTORE must be at least 1');
  if (problems.length > 0) throw new Error(`invalid health check settings: ${problems.join('; ')}`);
  return Object.freeze({ ...settings });
}
