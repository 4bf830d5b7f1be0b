import { CliError } from './cli-error.js';

/** Writes an error for a person to read and returns the exit status to end with. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  const cliError =
    error instanceof CliError
      ? error
      : new CliError('CLI_INTERNAL', `unexpected failure: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  stderr.write(`mcpgw [${cliError.code}] ${cliError.message}\n`);
  for (const line of cliError.details) stderr.write(`${line}\n`);
  return cliError.exitStatus;
}
