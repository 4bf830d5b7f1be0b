import type { ProviderType } from './providers-schema.js';

/** One enabled identity provider whose tokens are accepted, resolved and frozen at start-up. */
export interface ProviderSettings {
  /** The key under `providers:` (or the AUTH_PROVIDER name); the X-Auth-Method of its callers. */
  name: string;
  type: ProviderType;
  displayName: string;
  /** The issuer named in protected resource metadata (`authorization_servers`). */
  issuer: string;
  /** Every `iss` value accepted: the issuer and its other spellings (Entra v1). */
  acceptedIssuers: readonly string[];
  /** Where the signing keys are; undefined: found through the issuer's OpenID discovery document. */
  jwksUri: string | undefined;
  clientId: string | undefined;
  /** Accepted `aud` values; empty: `client_id` and the kind's defaults decide. */
  audiences: readonly string[];
  /** RFC 8707: the provider issues resource-bound tokens, whose `aud` must name this gateway. */
  resourceIndicators: boolean;
  algorithms: readonly string[];
  groupsClaim: string | null;
  usernameClaim: string | null;
  /** Scopes a client requests from this provider, advertised in `scopes_supported`. */
  scopes: readonly string[];
  /** What the web login needs (secrets included: never log this object). */
  login: {
    clientSecret: string | undefined;
    authUrl: string | undefined;
    tokenUrl: string | undefined;
    userInfoUrl: string | undefined;
    logoutUrl: string | undefined;
  };
}
