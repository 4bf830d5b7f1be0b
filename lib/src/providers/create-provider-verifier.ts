import { jwtVerify, type JWTPayload } from 'jose';
import { audienceNamesGateway } from '../tokens/resource-metadata.js';
import { TokenError } from '../tokens/token-error.js';
import { tokenErrorOf } from '../tokens/token-error-of.js';
import type { TokenVerifier } from '../tokens/token-verifier.js';
import type { JwksSettings } from './identity-settings.js';
import { createJwksKeySource } from './jwks-key-source.js';
import { PROVIDER_KINDS, stringList } from './provider-kinds.js';
import { providerIdentity } from './provider-identity.js';
import type { ProviderSettings } from './provider-settings.js';

export interface ProviderVerifierOptions {
  gatewayPublicUrl: string;
  clockSkewSeconds: number;
  jwks: JwksSettings;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

export interface ProviderVerifier extends TokenVerifier {
  readonly provider: ProviderSettings;
  warmUp(): Promise<void>;
}

/**
 * Verifies one identity provider's access tokens: signature by a key from its JWKS with a pinned
 * algorithm, `iss`, `exp` and `nbf` (with clock skew), the kind's own checks (Cognito `token_use`,
 * Entra `tid`), and the audience: the gateway's URL for resource-bound tokens (RFC 8707), else the
 * configured audience, else `client_id` (in `aud`, or in the client claim where the kind allows).
 */
export function createProviderVerifier(provider: ProviderSettings, options: ProviderVerifierOptions): ProviderVerifier {
  const kind = PROVIDER_KINDS[provider.type];
  const keys = createJwksKeySource(provider.issuer, provider.jwksUri, options.jwks);
  const verifyOptions = {
    issuer: [...provider.acceptedIssuers],
    algorithms: [...provider.algorithms],
    clockTolerance: options.clockSkewSeconds,
    requiredClaims: ['exp'],
  };
  return {
    provider,
    async verify(token, context) {
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, keys.getKey, options.now ? { ...verifyOptions, currentDate: options.now() } : verifyOptions));
      } catch (error) {
        throw tokenErrorOf(error);
      }
      const problem = kind.check(claims, provider.issuer) ?? audienceProblem(claims, provider, options.gatewayPublicUrl, context?.serverPath);
      if (problem) throw problem;
      return providerIdentity(claims, provider);
    },
    warmUp: () => keys.warmUp(),
  };
}

function audienceProblem(claims: JWTPayload, provider: ProviderSettings, publicUrl: string, serverPath: string | undefined): TokenError | undefined {
  const audiences = stringList(claims.aud);
  if (provider.resourceIndicators) {
    if (audiences.some((audience) => audienceNamesGateway(audience, publicUrl, serverPath))) return undefined;
    return new TokenError('AUTH_TOKEN_WRONG_AUDIENCE', `the token is not bound to this gateway; request it with resource=${publicUrl}${serverPath ?? ''}`);
  }
  if (provider.audiences.length > 0) {
    return audiences.some((audience) => provider.audiences.includes(audience))
      ? undefined
      : new TokenError('AUTH_TOKEN_WRONG_AUDIENCE', 'the token is meant for another audience');
  }
  const kind = PROVIDER_KINDS[provider.type];
  const clientId = provider.clientId as string;
  const accepted = [clientId, ...kind.extraAudiences(clientId)];
  if (audiences.some((audience) => accepted.includes(audience))) return undefined;
  if (kind.clientClaimBinds && kind.clientClaims.some((name) => claims[name] === clientId)) return undefined;
  return audiences.length === 0
    ? new TokenError('AUTH_TOKEN_WRONG_CLIENT', 'the token was issued to another client')
    : new TokenError('AUTH_TOKEN_WRONG_AUDIENCE', 'the token is meant for another audience');
}
