import { errors } from 'jose';
import { TokenError } from './token-error.js';

/** The TokenError for a failure of jose's jwtVerify (a TokenError thrown by a key resolver passes through). */
export function tokenErrorOf(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) {
    return new TokenError('AUTH_TOKEN_EXPIRED', 'the token has expired; get a new one', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new TokenError('AUTH_TOKEN_NOT_YET_VALID', 'the token is not valid yet', { cause: error });
    if (error.claim === 'iss') return new TokenError('AUTH_TOKEN_WRONG_ISSUER', 'the token was issued by someone else', { cause: error });
    if (error.claim === 'aud') return new TokenError('AUTH_TOKEN_WRONG_AUDIENCE', 'the token is meant for another audience', { cause: error });
    return new TokenError('AUTH_TOKEN_INVALID', `the token's ${error.claim} claim is invalid`, { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenError('AUTH_TOKEN_BAD_SIGNATURE', 'the token signature does not verify', { cause: error });
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new TokenError('AUTH_TOKEN_UNKNOWN_KEY', 'the token is signed with a key its issuer does not publish', { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError('AUTH_TOKEN_MALFORMED', 'the token is signed with an algorithm this issuer is not trusted for', { cause: error });
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return new TokenError('AUTH_TOKEN_MALFORMED', 'the token is not a well-formed signed JWT', { cause: error });
  }
  return new TokenError('AUTH_TOKEN_INVALID', 'the token could not be verified', { cause: error });
}
