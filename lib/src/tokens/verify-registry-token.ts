import { jwtVerify, type JWTPayload } from 'jose';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-key.js';
import type { TokenSettings } from './token-settings.js';
import type { Identity } from './identity.js';
import { tokenErrorOf } from './token-error-of.js';

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
    throw tokenErrorOf(error);
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
