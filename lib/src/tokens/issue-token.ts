import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-key.js';
import type { TokenSettings } from './token-settings.js';

export interface TokenRequest {
  user: string;
  /** Display name (`preferred_username`); default the user. */
  username?: string;
  groups?: string[];
  scopes?: string[];
  clientId?: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  /** Issue time in seconds since the epoch; defaults to now. */
  now?: number;
}

export const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** Signs a registry-issued access token. */
export async function issueToken(key: SigningKey, settings: TokenSettings, request: TokenRequest): Promise<string> {
  if (!request.user.trim()) throw new Error('a token needs a user name');
  if (!(request.ttlSeconds > 0) || request.ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(`token lifetime must be between 1 second and ${MAX_TOKEN_TTL_SECONDS} seconds`);
  }
  const now = request.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    groups: request.groups ?? [],
    scope: (request.scopes ?? []).join(' '),
    preferred_username: request.username ?? request.user,
    client_id: request.clientId ?? 'mcpgw-cli',
    token_use: 'access',
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(request.user)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** Parses durations such as `90s`, `15m`, `1h`, `7d` (a bare number is seconds). */
export function parseTtl(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration ${JSON.stringify(text)}: use a number with s, m, h or d, e.g. 1h`);
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * factor;
}
