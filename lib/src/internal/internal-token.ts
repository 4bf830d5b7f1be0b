import { randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { readOrCreateSecretFile } from '../files/create-once.js';

export const INTERNAL_TOKEN_FILE = 'internal-token';
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/**
 * The secret services present to each other's internal endpoints (the route feed, reloads).
 * INTERNAL_API_TOKEN wins; otherwise DATA_DIR/internal-token, created on first use (mode 0600).
 */
export function loadInternalToken(dataDirectory: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.INTERNAL_API_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 32) throw new Error('INTERNAL_API_TOKEN must be at least 32 characters');
    return fromEnv;
  }
  return readOrCreateSecretFile(path.join(dataDirectory, INTERNAL_TOKEN_FILE), () => randomBytes(32).toString('base64url')).trim();
}

/** Constant-time comparison of a presented internal token. */
export function internalTokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
