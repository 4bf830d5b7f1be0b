import * as oidc from 'openid-client';
import { ENTRA_TENANT_PLACEHOLDER } from '@mcpgw/lib/providers/provider-kinds.js';
import type { ProviderSettings } from '@mcpgw/lib/providers/provider-settings.js';

export const DEFAULT_LOGIN_SCOPES = ['openid', 'profile', 'email'];
const DISCOVERY_TIMEOUT_SECONDS = 5;

/** The providers people can log in with (enabled, with a client id), and their openid-client configurations (discovered once, on first use). */
export interface OidcLoginClients {
  /** Enabled providers with a client id, by name. */
  readonly providers: ReadonlyMap<string, ProviderSettings>;
  configuration(provider: ProviderSettings): Promise<oidc.Configuration>;
}

export function createOidcLoginClients(providers: readonly ProviderSettings[]): OidcLoginClients {
  // A multi-tenant issuer template names no issuer an ID token could be checked against.
  const loginable = new Map(
    providers
      .filter((provider) => provider.clientId !== undefined && !provider.issuer.includes(ENTRA_TENANT_PLACEHOLDER))
      .map((provider) => [provider.name, provider]),
  );
  const configurations = new Map<string, Promise<oidc.Configuration>>();
  return {
    providers: loginable,
    configuration(provider) {
      let pending = configurations.get(provider.name);
      if (pending === undefined) {
        pending = configure(provider);
        configurations.set(provider.name, pending);
        // A failed discovery is retried on the next login rather than remembered.
        pending.catch(() => configurations.delete(provider.name));
      }
      return pending;
    },
  };
}

async function configure(provider: ProviderSettings): Promise<oidc.Configuration> {
  const clientId = provider.clientId as string;
  const secret = provider.login.clientSecret;
  const authentication = secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret);
  const insecure = new URL(provider.issuer).protocol === 'http:';
  const execute = insecure ? [oidc.allowInsecureRequests] : [];
  const { authUrl, tokenUrl, userInfoUrl } = provider.login;
  if (authUrl !== undefined && tokenUrl !== undefined && provider.jwksUri !== undefined) {
    const configuration = new oidc.Configuration(
      {
        issuer: provider.issuer,
        authorization_endpoint: authUrl,
        token_endpoint: tokenUrl,
        jwks_uri: provider.jwksUri,
        ...(userInfoUrl === undefined ? {} : { userinfo_endpoint: userInfoUrl }),
        ...(provider.login.logoutUrl === undefined ? {} : { end_session_endpoint: provider.login.logoutUrl }),
      },
      clientId,
      {},
      authentication,
    );
    for (const option of execute) option(configuration);
    return configuration;
  }
  return oidc.discovery(new URL(provider.issuer), clientId, {}, authentication, { execute, timeout: DISCOVERY_TIMEOUT_SECONDS });
}
