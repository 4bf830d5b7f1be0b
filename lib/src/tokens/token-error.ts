/**
 * Why a bearer token was refused. Every code answers 401 except AUTH_PROVIDER_UNAVAILABLE: the
 * identity provider's keys or discovery document could not be fetched, which the caller cannot fix,
 * so it answers 503 (and the gateway, as for any auth-server failure, fails closed with 503).
 */
export type TokenErrorCode =
  | 'AUTH_TOKEN_MISSING'
  | 'AUTH_TOKEN_MALFORMED'
  | 'AUTH_TOKEN_IN_QUERY'
  | 'AUTH_TOKEN_EXPIRED'
  | 'AUTH_TOKEN_NOT_YET_VALID'
  | 'AUTH_TOKEN_BAD_SIGNATURE'
  | 'AUTH_TOKEN_UNKNOWN_KEY'
  | 'AUTH_TOKEN_WRONG_ISSUER'
  | 'AUTH_TOKEN_WRONG_AUDIENCE'
  | 'AUTH_TOKEN_WRONG_CLIENT'
  | 'AUTH_TOKEN_WRONG_TENANT'
  | 'AUTH_TOKEN_WRONG_TYPE'
  | 'AUTH_TOKEN_INVALID'
  | 'AUTH_PROVIDER_UNAVAILABLE';

export class TokenError extends Error {
  readonly status: 401 | 503;
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = code === 'AUTH_PROVIDER_UNAVAILABLE' ? 503 : 401;
  }
}
