import { ENTRA_TENANT_PLACEHOLDER } from './provider-kinds.js';

/**
 * Finds an issuer's JWKS through its OpenID discovery document (`{issuer}/.well-known/openid-configuration`),
 * which must name the same issuer. Throws an Error saying what went wrong.
 */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  // A multi-tenant Entra issuer is discovered through `organizations`, whose document names the template.
  const location = `${issuer.replace(ENTRA_TENANT_PLACEHOLDER, 'organizations').replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(location, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`${location} answered ${response.status}`);
  }
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== issuer) {
    throw new Error(`${location} names the issuer ${JSON.stringify(document.issuer)}, not ${JSON.stringify(issuer)}`);
  }
  if (typeof document.jwks_uri !== 'string' || !/^https?:\/\//.test(document.jwks_uri)) {
    throw new Error(`${location} names no http(s) jwks_uri`);
  }
  return new URL(document.jwks_uri);
}
