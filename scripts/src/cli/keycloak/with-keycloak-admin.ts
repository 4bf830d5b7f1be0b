import { KeycloakAdminClient } from '@mcpgw/lib/keycloak/keycloak-admin-client.js';
import { KeycloakAdminError } from '@mcpgw/lib/keycloak/keycloak-admin-error.js';
import { keycloakAdminSettingsFromEnv } from '@mcpgw/lib/keycloak/keycloak-admin-settings.js';
import { CliError, type CliErrorCode } from '../cli-error.js';

const CLI_CODE: Record<KeycloakAdminError['code'], CliErrorCode> = {
  KEYCLOAK_NOT_CONFIGURED: 'CLI_INVALID_ARGUMENT',
  KEYCLOAK_UNREACHABLE: 'CLI_UNREACHABLE',
  KEYCLOAK_REFUSED: 'CLI_REFUSED',
  KEYCLOAK_NOT_FOUND: 'CLI_IDP_FAILED',
  KEYCLOAK_CONFLICT: 'CLI_IDP_FAILED',
  KEYCLOAK_INVALID_REQUEST: 'CLI_IDP_FAILED',
  KEYCLOAK_FAILED: 'CLI_IDP_FAILED',
};

/** Runs one piece of work against Keycloak's admin API, configured from the environment; its failures become CLI errors. */
export async function withKeycloakAdmin<T>(env: NodeJS.ProcessEnv, work: (admin: KeycloakAdminClient) => Promise<T>): Promise<T> {
  try {
    return await work(new KeycloakAdminClient(keycloakAdminSettingsFromEnv(env)));
  } catch (error) {
    throw asCliError(error);
  }
}

export function asCliError(error: unknown): unknown {
  if (!(error instanceof KeycloakAdminError)) return error;
  return new CliError(CLI_CODE[error.code], `${error.code}: ${error.message}`, { cause: error });
}
