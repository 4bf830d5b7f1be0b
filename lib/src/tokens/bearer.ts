import { TokenError } from './token-error.js';

/**
 * The ingress token: `X-Authorization` when present (the caller's `Authorization` then carries an
 * egress token meant for the upstream), else `Authorization`. Both must use the Bearer scheme.
 */
export function ingressBearerToken(headers: { authorization?: string | undefined; 'x-authorization'?: string | undefined }): string {
  const raw = headers['x-authorization'] ?? headers.authorization;
  if (raw === undefined || raw.trim() === '') {
    throw new TokenError('AUTH_TOKEN_MISSING', 'send a bearer token in the Authorization header');
  }
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(raw);
  if (!match) throw new TokenError('AUTH_TOKEN_MALFORMED', 'the Authorization header must be "Bearer <token>"');
  return match[1] as string;
}
