import * as oidc from 'openid-client';

/** A command line's client of an identity provider: public (PKCE) unless a secret is given. */
export interface NativeClientSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** Scopes asked for; openid and offline_access (for a refresh token) are always added. */
  scopes?: readonly string[];
}

export type NativeClient = oidc.Configuration;
export type TokenAnswer = Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;

const DISCOVERY_TIMEOUT_SECONDS = 10;

/** The provider's configuration from its discovery document; plain http is allowed for an http issuer the person named. */
export async function discoverNativeClient(settings: NativeClientSettings): Promise<NativeClient> {
  const authentication = settings.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret);
  const execute = new URL(settings.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
  return oidc.discovery(new URL(settings.issuer), settings.clientId, {}, authentication, { execute, timeout: DISCOVERY_TIMEOUT_SECONDS });
}

export function scopesOf(settings: NativeClientSettings): string {
  return [...new Set(['openid', 'offline_access', ...(settings.scopes ?? [])])].join(' ');
}

/** Whether the provider offers the device authorization grant (RFC 8628). */
export function supportsDeviceFlow(client: NativeClient): boolean {
  return typeof client.serverMetadata().device_authorization_endpoint === 'string';
}
