/** Exit statuses of mcpgw (64 and 66 as in sysexits.h). */
export const EXIT = {
  ok: 0,
  failure: 1,
  refused: 2,
  usage: 64,
  noInput: 66,
} as const;

export type CliErrorCode =
  | 'CLI_USAGE'
  | 'CLI_INVALID_ARGUMENT'
  | 'CLI_FILE_UNREADABLE'
  | 'CLI_FILE_INVALID'
  | 'CLI_SCOPES_INVALID'
  | 'CLI_REFUSED'
  | 'CLI_UNREACHABLE'
  | 'CLI_REQUEST_FAILED'
  | 'CLI_RPC_ERROR'
  | 'CLI_TOOL_ERROR'
  | 'CLI_IDP_FAILED'
  | 'CLI_INTERNAL';

const EXIT_STATUS: Record<CliErrorCode, number> = {
  CLI_USAGE: EXIT.usage,
  CLI_INVALID_ARGUMENT: EXIT.usage,
  CLI_FILE_UNREADABLE: EXIT.noInput,
  CLI_FILE_INVALID: EXIT.failure,
  CLI_SCOPES_INVALID: EXIT.failure,
  CLI_REFUSED: EXIT.refused,
  CLI_UNREACHABLE: EXIT.failure,
  CLI_REQUEST_FAILED: EXIT.failure,
  CLI_RPC_ERROR: EXIT.failure,
  CLI_TOOL_ERROR: EXIT.failure,
  CLI_IDP_FAILED: EXIT.failure,
  CLI_INTERNAL: EXIT.failure,
};

/** Every failure mcpgw reports: a stable code, the exit status it ends with, and what to do. */
export class CliError extends Error {
  readonly exitStatus: number;
  /** Lines printed after the message, e.g. one per problem found. */
  readonly details: readonly string[];
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown; details?: readonly string[] },
  ) {
    super(message, options);
    this.exitStatus = EXIT_STATUS[code];
    this.details = options?.details ?? [];
  }
}
