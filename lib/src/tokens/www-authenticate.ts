import { TokenError } from './token-error.js';

export const DEFAULT_REALM = 'mcp-gateway';

export interface ChallengeOptions {
  realm?: string;
  /** RFC 9728: where the protected resource metadata of the requested URL is served. */
  resourceMetadata?: string;
  /** Space-separated scopes the client may request (MCP scope selection). */
  scope?: string;
}

/**
 * The WWW-Authenticate value of a 401 (RFC 6750): no error attribute when no token was sent,
 * `invalid_request` for a token sent where tokens are refused (the query string), `invalid_token`
 * with a description otherwise.
 */
export function bearerChallenge(error: TokenError | undefined, options: ChallengeOptions = {}): string {
  if (!error || error.code === 'AUTH_TOKEN_MISSING') return formatChallenge([], options);
  const kind = error.code === 'AUTH_TOKEN_IN_QUERY' ? 'invalid_request' : 'invalid_token';
  return formatChallenge([['error', kind], ['error_description', error.message]], options);
}

/** The WWW-Authenticate value of a 403 for a valid caller without the permission (RFC 6750 section 3.1). */
export function insufficientScopeChallenge(description: string, options: ChallengeOptions = {}): string {
  return formatChallenge([['error', 'insufficient_scope'], ['error_description', description]], options);
}

/** The one place a Bearer challenge is spelled: values quoted, quotes and backslashes escaped. */
function formatChallenge(error: Array<[string, string]>, options: ChallengeOptions): string {
  const attributes: Array<[string, string]> = [['realm', options.realm ?? DEFAULT_REALM], ...error];
  if (options.scope) attributes.push(['scope', options.scope]);
  if (options.resourceMetadata) attributes.push(['resource_metadata', options.resourceMetadata]);
  return `Bearer ${attributes.map(([name, value]) => `${name}="${quotable(value)}"`).join(', ')}`;
}

/** Printable ASCII only (RFC 6750 allows nothing else), with quotes and backslashes escaped. */
function quotable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').replace(/[\\"]/g, '\\$&');
}

export function isTokenError(error: unknown): error is TokenError {
  return error instanceof TokenError;
}
