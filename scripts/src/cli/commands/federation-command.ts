import { generateFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import type { CliIo } from '../cli-io.js';
import { parseOptions, usageError } from '../parse-options.js';
import { FEDERATION_USAGE } from '../usage.js';

/** `mcpgw federation keygen`: prints a new FEDERATION_ENCRYPTION_KEY (a Fernet key). */
export async function federationCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } }, 'mcpgw federation');
  if (values.help) {
    io.stdout.write(FEDERATION_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'keygen') {
    throw usageError(positionals[0] === undefined ? 'missing subcommand: keygen' : `unknown subcommand "federation ${positionals.join(' ')}"`, 'mcpgw federation');
  }
  io.stdout.write(`${generateFernetKey()}\n`);
  return 0;
}
