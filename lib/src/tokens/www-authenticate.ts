import { TokenError } from './token-error.js';

export const DEFAULT_REALM = 'mcp-gateway';

/**
 * The WWW-Authenticate value of a 401 (RFC 6750): no error attribute when no token was sent,
 * `invalid_token` with a description otherwise. Quotes and backslashes are escaped.
 */
export function bearerChallenge(error: TokenError | undefined, options: { realm?: string; resourceMetadata?: string } = {}): string {
  const attributes: Array<[string, string]> = [['realm', options.realm ?? DEFAULT_REALM]];
  if (error && error.code !== 'AUTH_TOKEN_MISSING') {
    attributes.push(['error', 'invalid_token'], ['error_description', error.message]);
  }
  if (options.resourceMetadata) attributes.push(['resource_metadata', options.resourceMetadata]);
  return `Bearer ${attributes.map(([name, value]) => `${name}="${value.replace(/[\\"]/g, '\\$&')}"`).join(', ')}`;
}

export function isTokenError(error: unknown): error is TokenError {
  return error instanceof TokenError;
}
