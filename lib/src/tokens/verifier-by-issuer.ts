import { decodeJwt, type JWTPayload } from 'jose';
import { TokenError } from './token-error.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * One verifier over several issuers: the token's unverified `iss` only picks the verifier, which
 * then checks everything (signature, issuer, audience, lifetime) itself.
 */
export function verifierByIssuer(verifiers: ReadonlyMap<string, TokenVerifier>): TokenVerifier {
  return {
    verify(token, context) {
      let claims: JWTPayload;
      try {
        claims = decodeJwt(token);
      } catch (cause) {
        return Promise.reject(new TokenError('AUTH_TOKEN_MALFORMED', 'the token is not a well-formed signed JWT', { cause }));
      }
      if (typeof claims.iss !== 'string' || claims.iss === '') {
        return Promise.reject(new TokenError('AUTH_TOKEN_WRONG_ISSUER', 'the token names no issuer (iss)'));
      }
      const verifier = verifiers.get(claims.iss);
      if (!verifier) {
        return Promise.reject(new TokenError('AUTH_TOKEN_WRONG_ISSUER', 'the token was issued by an identity provider this gateway is not configured to trust'));
      }
      return verifier.verify(token, context);
    },
  };
}
