import * as oauth from 'openid-client';
import { KeycloakAdminError } from './keycloak-admin-error.js';

export interface RealmToken {
  accessToken: string;
  /** Seconds since the epoch; undefined when the answer gave no expires_in. */
  expiresAt: number | undefined;
}

export type RealmGrant =
  | { grant: 'client_credentials'; clientId: string; clientSecret: string; scope?: string }
  | { grant: 'password'; clientId: string; username: string; password: string };

/** `{baseUrl}/realms/{realm}`: the realm's issuer as this process reaches it. */
export function realmUrl(baseUrl: string, realm: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}`;
}

/**
 * One token from a Keycloak realm's token endpoint, through openid-client. No discovery: the
 * endpoint's address is fixed by Keycloak, and in a compose network the internal URL differs from
 * the issuer that tokens carry.
 */
export async function requestRealmToken(baseUrl: string, realm: string, request: RealmGrant, timeoutMs: number): Promise<RealmToken> {
  const issuer = realmUrl(baseUrl, realm);
  const server = { issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` };
  const config =
    request.grant === 'client_credentials'
      ? new oauth.Configuration(server, request.clientId, request.clientSecret, oauth.ClientSecretBasic(request.clientSecret))
      : new oauth.Configuration(server, request.clientId, undefined, oauth.None());
  if (new URL(issuer).protocol === 'http:') oauth.allowInsecureRequests(config);
  config.timeout = Math.max(1, Math.ceil(timeoutMs / 1000));
  try {
    const answer =
      request.grant === 'client_credentials'
        ? await oauth.clientCredentialsGrant(config, request.scope ? { scope: request.scope } : {})
        : await oauth.genericGrantRequest(config, 'password', { username: request.username, password: request.password });
    const expiresIn = answer.expiresIn();
    return { accessToken: answer.access_token, expiresAt: expiresIn === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresIn };
  } catch (error) {
    throw tokenError(error, server.token_endpoint, request.clientId);
  }
}

function tokenError(error: unknown, endpoint: string, clientId: string): KeycloakAdminError {
  if (error instanceof oauth.ResponseBodyError) {
    const refused = error.status === 400 || error.status === 401 || error.status === 403;
    return new KeycloakAdminError(
      refused ? 'KEYCLOAK_REFUSED' : 'KEYCLOAK_FAILED',
      `${endpoint} refused a token to ${clientId}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}; check the client id and secret (or the administrator's password)`,
      { cause: error, status: error.status },
    );
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : (error as Error).message;
  return new KeycloakAdminError('KEYCLOAK_UNREACHABLE', `cannot get a token from ${endpoint} (${detail}); is KEYCLOAK_URL right and Keycloak up?`, { cause: error });
}
