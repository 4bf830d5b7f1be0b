/** Errors the auth-server answers with. Token problems are TokenErrors (401) from the shared module. */
export type AuthErrorCode = 'AUTH_CHECK_INVALID' | 'AUTH_INTERNAL';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
