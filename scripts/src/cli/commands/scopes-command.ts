import { readFile } from 'node:fs/promises';
import { parseScopes, ScopesInvalidError } from '@mcpgw/lib/scopes/parse-scopes.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { parseOptions, usageError } from '../parse-options.js';
import { SCOPES_USAGE } from '../usage.js';

/** `mcpgw scopes validate FILE`: checks a scopes.yml file as the auth-server and registry would. */
export async function scopesCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    { args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } },
    'mcpgw scopes',
  );
  if (values.help) {
    io.stdout.write(SCOPES_USAGE);
    return 0;
  }
  const [subcommand, file, ...rest] = positionals;
  if (subcommand !== 'validate') {
    throw usageError(subcommand === undefined ? 'missing subcommand: validate' : `unknown subcommand "scopes ${subcommand}"`, 'mcpgw scopes');
  }
  if (file === undefined) throw usageError('scopes validate needs the FILE to check', 'mcpgw scopes');
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw scopes');

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('CLI_FILE_UNREADABLE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
  try {
    parseScopes(text, file);
  } catch (error) {
    if (!(error instanceof ScopesInvalidError)) throw error;
    throw new CliError('CLI_SCOPES_INVALID', `${file} is invalid (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}):`, {
      cause: error,
      details: error.problems.map((problem) => `  ${problem.path || '(top level)'}: ${problem.message}`),
    });
  }
  io.stdout.write(`${file} is valid\n`);
  return 0;
}
