import { errors, jwtVerify, type JWTPayload } from 'jose';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-key.js';
import type { TokenSettings } from './token-settings.js';
import type { Identity } from './identity.js';
import { TokenError } from './token-error.js';

const CLOCK_TOLERANCE_SECONDS = 5;

/** Verifies a registry-issued token (signature, exp, nbf, iss, aud) and returns the caller. */
export async function verifyRegistryToken(
  token: string,
  key: Pick<SigningKey, 'publicKey'>,
  settings: TokenSettings,
  currentDate?: Date,
): Promise<Identity> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: [SIGNING_ALGORITHM],
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(currentDate ? { currentDate } : {}),
    }));
  } catch (error) {
    throw toTokenError(error);
  }
  return identityFromClaims(payload);
}

function identityFromClaims(payload: JWTPayload): Identity {
  const sub = payload.sub as string;
  const groups = Array.isArray(payload.groups) ? payload.groups.filter((g): g is string => typeof g === 'string') : [];
  const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : sub;
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : 'unknown';
  return {
    user: sub,
    username,
    clientId,
    groups,
    tokenScopes: scope,
    authMethod: 'registry-token',
    expiresAt: payload.exp as number,
  };
}

function toTokenError(error: unknown): TokenError {
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
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError('AUTH_TOKEN_MALFORMED', 'the token is not a well-formed signed JWT', { cause: error });
  }
  return new TokenError('AUTH_TOKEN_INVALID', 'the token could not be verified', { cause: error });
}
