export type KeycloakAdminErrorCode =
  | 'KEYCLOAK_NOT_CONFIGURED'
  | 'KEYCLOAK_UNREACHABLE'
  | 'KEYCLOAK_REFUSED'
  | 'KEYCLOAK_NOT_FOUND'
  | 'KEYCLOAK_CONFLICT'
  | 'KEYCLOAK_INVALID_REQUEST'
  | 'KEYCLOAK_FAILED';

/** A failure talking to Keycloak's admin API, with a stable code and what to do about it. */
export class KeycloakAdminError extends Error {
  constructor(
    readonly code: KeycloakAdminErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.status = options?.status;
  }
  readonly status: number | undefined;
}
