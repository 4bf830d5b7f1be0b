import { KeycloakAdminError } from './keycloak-admin-error.js';

/**
 * How to reach Keycloak's admin API: the realm's own `mcp-gateway-admin` client (client credentials,
 * the realm import gives it the realm-management roles it needs), or Keycloak's administrator through
 * the master realm's `admin-cli` (password grant), as the original set-up scripts did.
 */
export type KeycloakAdminCredentials =
  | { kind: 'client'; clientId: string; clientSecret: string }
  | { kind: 'administrator'; username: string; password: string };

export interface KeycloakAdminSettings {
  /** Keycloak's base URL as this process reaches it (KEYCLOAK_URL), e.g. http://keycloak:8080. */
  baseUrl: string;
  /** KEYCLOAK_REALM, default mcp-gateway. */
  realm: string;
  credentials: KeycloakAdminCredentials;
  /** Per request; default 10 s. */
  timeoutMs: number;
}

export const DEFAULT_KEYCLOAK_REALM = 'mcp-gateway';
export const DEFAULT_KEYCLOAK_ADMIN_CLIENT_ID = 'mcp-gateway-admin';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * KEYCLOAK_URL, KEYCLOAK_REALM, and either KEYCLOAK_ADMIN_CLIENT_SECRET (with KEYCLOAK_ADMIN_CLIENT_ID,
 * default mcp-gateway-admin) or KEYCLOAK_ADMIN and KEYCLOAK_ADMIN_PASSWORD.
 */
export function keycloakAdminSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KeycloakAdminSettings {
  const baseUrl = env.KEYCLOAK_URL?.trim();
  if (!baseUrl) {
    throw new KeycloakAdminError('KEYCLOAK_NOT_CONFIGURED', 'KEYCLOAK_URL is not set; set it to Keycloak\'s URL (e.g. http://127.0.0.1:8080)');
  }
  try {
    new URL(baseUrl);
  } catch (error) {
    throw new KeycloakAdminError('KEYCLOAK_NOT_CONFIGURED', `KEYCLOAK_URL ${JSON.stringify(baseUrl)} is not a URL`, { cause: error });
  }
  const realm = env.KEYCLOAK_REALM?.trim() || DEFAULT_KEYCLOAK_REALM;
  const clientSecret = env.KEYCLOAK_ADMIN_CLIENT_SECRET?.trim();
  const username = env.KEYCLOAK_ADMIN?.trim();
  const password = env.KEYCLOAK_ADMIN_PASSWORD;
  let credentials: KeycloakAdminCredentials;
  if (clientSecret) {
    credentials = { kind: 'client', clientId: env.KEYCLOAK_ADMIN_CLIENT_ID?.trim() || DEFAULT_KEYCLOAK_ADMIN_CLIENT_ID, clientSecret };
  } else if (username && password) {
    credentials = { kind: 'administrator', username, password };
  } else {
    throw new KeycloakAdminError(
      'KEYCLOAK_NOT_CONFIGURED',
      'no Keycloak admin credentials: set KEYCLOAK_ADMIN_CLIENT_SECRET (the mcp-gateway-admin client of the realm import) or KEYCLOAK_ADMIN and KEYCLOAK_ADMIN_PASSWORD',
    );
  }
  return Object.freeze({ baseUrl: baseUrl.replace(/\/+$/, ''), realm, credentials, timeoutMs: DEFAULT_TIMEOUT_MS });
}

/** The settings when admin credentials are set (a service decides then that it manages users), else undefined. */
export function keycloakAdminSettingsIfConfigured(env: NodeJS.ProcessEnv = process.env): KeycloakAdminSettings | undefined {
  if (!env.KEYCLOAK_ADMIN_CLIENT_SECRET?.trim() && !env.KEYCLOAK_ADMIN?.trim()) return undefined;
  return keycloakAdminSettingsFromEnv(env);
}
