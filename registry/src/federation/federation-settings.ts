import { envDuration, envInt, envOptional } from '@mcpgw/lib/config/env.js';
import { federationStaticTokenFromEnv, MIN_FEDERATION_TOKEN_LENGTH } from '../auth/federation-token-verifier.js';
import { parseFernetKey, type FernetKey } from '@mcpgw/lib/crypto/fernet.js';

export const DEFAULT_SYNC_CHECK_INTERVAL_MS = 60_000;
export const DEFAULT_SYNC_TIMEOUT_MS = 30_000;
export const DEFAULT_SYNC_RETRIES = 2;
export const DEFAULT_SYNC_BACKOFF_MS = 1_000;
export const DEFAULT_FEDERATION_CONFIG_FILE = 'config/federation.json';

/** The export side: who may pull from this registry. */
export interface ExportTokens {
  /** FEDERATION_STATIC_TOKEN, when FEDERATION_STATIC_TOKEN_AUTH_ENABLED. */
  current: string | undefined;
  /** The token before the last rotation, accepted until `previousUntil`. */
  previous: string | undefined;
  previousUntil: Date | undefined;
}

export interface FederationSettings {
  tokens: ExportTokens;
  /** Encrypts stored peer tokens (FEDERATION_ENCRYPTION_KEY); peers with a token need it. */
  encryptionKey: FernetKey | undefined;
  /** How often the scheduler looks for peers due a sync. */
  checkIntervalMs: number;
  /** Per-peer limit on one sync attempt. */
  syncTimeoutMs: number;
  /** Attempts after the first when a peer is unreachable or fails (5xx). */
  retries: number;
  /** First retry delay; doubled for each further attempt. */
  backoffMs: number;
  /** config/federation.json (FEDERATION_CONFIG_FILE); a missing file declares nothing. */
  configFile: string;
}

/**
 * Federation settings from the environment: FEDERATION_STATIC_TOKEN_AUTH_ENABLED,
 * FEDERATION_STATIC_TOKEN, FEDERATION_STATIC_TOKEN_PREVIOUS (+ _UNTIL, an ISO 8601 time),
 * FEDERATION_ENCRYPTION_KEY, FEDERATION_SYNC_TIMEOUT, FEDERATION_SYNC_RETRIES, FEDERATION_CONFIG_FILE.
 * Throws listing every problem.
 */
export function federationSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): FederationSettings {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  const current = attempt(() => federationStaticTokenFromEnv(env));
  const previous = envOptional('FEDERATION_STATIC_TOKEN_PREVIOUS', env)?.trim();
  const untilText = envOptional('FEDERATION_STATIC_TOKEN_PREVIOUS_UNTIL', env);
  let previousUntil: Date | undefined;
  if (previous !== undefined) {
    if (previous.length < MIN_FEDERATION_TOKEN_LENGTH) problems.push(`FEDERATION_STATIC_TOKEN_PREVIOUS must be at least ${MIN_FEDERATION_TOKEN_LENGTH} characters`);
    previousUntil = untilText === undefined ? undefined : new Date(untilText);
    if (previousUntil === undefined || Number.isNaN(previousUntil.getTime())) {
      problems.push('FEDERATION_STATIC_TOKEN_PREVIOUS needs FEDERATION_STATIC_TOKEN_PREVIOUS_UNTIL, the ISO 8601 time its grace period ends (e.g. 2026-03-01T00:00:00Z)');
    }
  }
  const keyText = envOptional('FEDERATION_ENCRYPTION_KEY', env);
  const encryptionKey =
    keyText === undefined
      ? undefined
      : attempt(() => {
          try {
            return parseFernetKey(keyText);
          } catch (error) {
            throw new Error(`FEDERATION_ENCRYPTION_KEY: ${(error as Error).message}`);
          }
        });
  const syncTimeoutMs = attempt(() => envDuration('FEDERATION_SYNC_TIMEOUT', DEFAULT_SYNC_TIMEOUT_MS, env));
  const retries = attempt(() => envInt('FEDERATION_SYNC_RETRIES', DEFAULT_SYNC_RETRIES, env));
  if (problems.length > 0) throw new Error(`invalid federation settings:\n  ${problems.join('\n  ')}`);
  return Object.freeze({
    tokens: Object.freeze({ current, previous, previousUntil }),
    encryptionKey,
    checkIntervalMs: DEFAULT_SYNC_CHECK_INTERVAL_MS,
    syncTimeoutMs: syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS,
    retries: retries ?? DEFAULT_SYNC_RETRIES,
    backoffMs: DEFAULT_SYNC_BACKOFF_MS,
    configFile: envOptional('FEDERATION_CONFIG_FILE', env) ?? DEFAULT_FEDERATION_CONFIG_FILE,
  });
}
