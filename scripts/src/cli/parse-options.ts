import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** parseArgs (strict unless the config says otherwise), with usage mistakes turned into CLI_USAGE errors that say where help is. */
export function parseOptions<T extends ParseArgsConfig>(config: T, helpCommand: string): Parsed<T> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS')) {
      throw usageError(((error as Error).message.split('. To specify')[0] ?? ''), helpCommand);
    }
    throw error;
  }
}

export function usageError(message: string, helpCommand: string): CliError {
  return new CliError('CLI_USAGE', `${message}\nRun "${helpCommand} --help" for usage.`);
}

/** `a, b,,c` -> ['a', 'b', 'c']. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
