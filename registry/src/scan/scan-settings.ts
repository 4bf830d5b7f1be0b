import { envBool, envInt, envOptional } from '@mcpgw/lib/config/env.js';

export const DEFAULT_SECURITY_SCAN_TIMEOUT_SECONDS = 30;

export interface ScanSettings {
  /** BLOCK_UNSAFE_SERVERS: a failing server is withheld from routing until an administrator overrides. */
  blockUnsafe: boolean;
  /** SECURITY_SCAN_URL_ALLOW: host patterns (`*.corp.example`, `127.0.0.1`); when set, other hosts fail the scan. */
  urlAllow: string[];
  /** SECURITY_SCAN_URL_DENY: host patterns that always fail the scan. */
  urlDeny: string[];
  /** SECURITY_SCAN_COMMAND: a shell command given the scan input as JSON on stdin, answering JSON on stdout. */
  command: string | undefined;
  timeoutSeconds: number;
}

export function scanSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ScanSettings {
  const list = (name: string) => (envOptional(name, env) ?? '').split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== '');
  return Object.freeze({
    blockUnsafe: envBool('BLOCK_UNSAFE_SERVERS', false, env),
    urlAllow: list('SECURITY_SCAN_URL_ALLOW'),
    urlDeny: list('SECURITY_SCAN_URL_DENY'),
    command: envOptional('SECURITY_SCAN_COMMAND', env),
    timeoutSeconds: envInt('SECURITY_SCAN_TIMEOUT_SECONDS', DEFAULT_SECURITY_SCAN_TIMEOUT_SECONDS, env),
  });
}
