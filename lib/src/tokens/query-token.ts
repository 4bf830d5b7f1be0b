import { TokenError } from './token-error.js';

/**
 * Refuses a request whose URL carries a token in the query string (RFC 6750 section 2.3): tokens
 * are accepted in headers only, and such a request is answered 401 and never forwarded.
 */
export function refuseTokenInQuery(url: string | undefined): void {
  if (url === undefined) return;
  const query = url.indexOf('?');
  if (query === -1) return;
  for (const name of new URLSearchParams(url.slice(query + 1)).keys()) {
    if (name.toLowerCase() === 'access_token') {
      throw new TokenError('AUTH_TOKEN_IN_QUERY', 'tokens are accepted in the Authorization header only; remove access_token from the URL');
    }
  }
}
