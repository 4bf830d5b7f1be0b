export type StackErrorCode =
  | 'STACK_CONFIG_INVALID'
  | 'STACK_CHILD_EXITED'
  | 'STACK_HEALTH_TIMEOUT'
  | 'STACK_REGISTRATION_FAILED'
  | 'STACK_BUILD_MISSING';

/** Why the stack could not start or stopped on its own. The launcher exits 1 with the message. */
export class StackError extends Error {
  readonly status = 1;
  constructor(
    readonly code: StackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
