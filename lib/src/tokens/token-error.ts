/** Why a bearer token was refused. Every one of these answers 401. */
export type TokenErrorCode =
  | 'AUTH_TOKEN_MISSING'
  | 'AUTH_TOKEN_MALFORMED'
  | 'AUTH_TOKEN_EXPIRED'
  | 'AUTH_TOKEN_NOT_YET_VALID'
  | 'AUTH_TOKEN_BAD_SIGNATURE'
  | 'AUTH_TOKEN_WRONG_ISSUER'
  | 'AUTH_TOKEN_WRONG_AUDIENCE'
  | 'AUTH_TOKEN_INVALID';

export class TokenError extends Error {
  readonly status = 401;
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
