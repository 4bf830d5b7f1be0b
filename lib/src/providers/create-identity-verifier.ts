import { createRegistryTokenVerifier, type TokenVerifier } from '../tokens/token-verifier.js';
import type { TokenSettings } from '../tokens/token-settings.js';
import { verifierByIssuer } from '../tokens/verifier-by-issuer.js';
import { createProviderVerifier, type ProviderVerifier } from './create-provider-verifier.js';
import type { IdentitySettings } from './identity-settings.js';

export interface IdentityVerifier extends TokenVerifier {
  providers: readonly ProviderVerifier[];
}

/**
 * The verifier of every token the services accept: the registry's own (TOKEN_ISSUER, key in
 * DATA_DIR) and each enabled identity provider's, chosen by the token's issuer.
 */
export async function createIdentityVerifier(dataDirectory: string, tokenSettings: TokenSettings, identity: IdentitySettings): Promise<IdentityVerifier> {
  const byIssuer = new Map<string, TokenVerifier>([[tokenSettings.issuer, await createRegistryTokenVerifier(dataDirectory, tokenSettings)]]);
  const providers = identity.providers.map((provider) => createProviderVerifier(provider, identity));
  for (const verifier of providers) {
    for (const issuer of verifier.provider.acceptedIssuers) {
      if (byIssuer.has(issuer)) {
        throw new Error(`identity provider ${verifier.provider.name} has the issuer ${issuer} of registry-issued tokens (TOKEN_ISSUER); give one of them another issuer`);
      }
      byIssuer.set(issuer, verifier);
    }
  }
  const verifier = verifierByIssuer(byIssuer);
  return { verify: verifier.verify, providers };
}
