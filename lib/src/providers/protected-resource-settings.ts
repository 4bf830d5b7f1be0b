import { envOptional } from '../config/env.js';
import { parsePublicUrl } from '../tokens/resource-metadata.js';
import { tokenSettingsFromEnv } from '../tokens/token-settings.js';
import { identitySettingsFromEnv } from './identity-settings.js';
import type { ProviderSettings } from './provider-settings.js';

/** What the gateway's protected resource metadata says besides `resource`. */
export interface ProtectedResourceSettings {
  /** The gateway's public origin; undefined: the address it listens on. */
  publicUrl?: string;
  authorizationServers: readonly string[];
  scopesSupported: readonly string[];
}

/**
 * The authorization servers are the enabled providers' issuers; with none, the registry's issuer
 * when it is a URL (TOKEN_ISSUER), else none. The scopes are the providers' `scopes`.
 */
export function protectedResourceSettings(providers: readonly ProviderSettings[], registryIssuer: string, publicUrl?: string): ProtectedResourceSettings {
  const issuers = [...new Set(providers.map((provider) => provider.issuer))];
  if (issuers.length === 0 && /^https?:\/\//.test(registryIssuer)) issuers.push(registryIssuer);
  return Object.freeze({
    ...(publicUrl === undefined ? {} : { publicUrl }),
    authorizationServers: Object.freeze(issuers),
    scopesSupported: Object.freeze([...new Set(providers.flatMap((provider) => provider.scopes))]),
  });
}

/** The settings from GATEWAY_PUBLIC_URL, the identity provider configuration and TOKEN_ISSUER. */
export function protectedResourceSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProtectedResourceSettings {
  const configured = envOptional('GATEWAY_PUBLIC_URL', env);
  return protectedResourceSettings(identitySettingsFromEnv(env).providers, tokenSettingsFromEnv(env).issuer, configured === undefined ? undefined : parsePublicUrl(configured));
}
