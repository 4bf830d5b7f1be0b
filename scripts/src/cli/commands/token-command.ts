import { dataDir } from '@mcpgw/lib/config/env.js';
import { issueToken, parseTtl } from '@mcpgw/lib/tokens/issue-token.js';
import { loadOrCreateSigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv } from '@mcpgw/lib/tokens/token-settings.js';
import { callerToken } from '../caller-token.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { commaList, parseOptions, usageError } from '../parse-options.js';
import { TOKEN_USAGE } from '../usage.js';

export const DEFAULT_CLI_TTL = '1h';

/** `mcpgw token`: prints a registry-signed token, and nothing else, on stdout. */
export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        groups: { type: 'string' },
        scopes: { type: 'string' },
        ttl: { type: 'string', default: DEFAULT_CLI_TTL },
        'client-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw token',
  );
  if (values.help) {
    io.stdout.write(TOKEN_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'mcpgw token');
  if (values.user === undefined) {
    const stored = await callerToken({ ...io, env: { ...io.env, MCPGW_TOKEN: '' } }, undefined);
    if (stored === undefined) throw usageError('--user NAME is required (or log in first with mcpgw login)', 'mcpgw token');
    io.stdout.write(`${stored}\n`);
    return 0;
  }
  if (values.user.trim() === '') throw usageError('--user NAME must not be empty', 'mcpgw token');

  let ttlSeconds: number;
  try {
    ttlSeconds = parseTtl(values.ttl);
  } catch (error) {
    throw new CliError('CLI_INVALID_ARGUMENT', `--ttl: ${(error as Error).message}`, { cause: error });
  }
  const key = await loadOrCreateSigningKey(dataDir(io.env));
  let token: string;
  try {
    token = await issueToken(key, tokenSettingsFromEnv(io.env), {
      user: values.user.trim(),
      groups: commaList(values.groups),
      scopes: commaList(values.scopes),
      ttlSeconds,
      ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
    });
  } catch (error) {
    throw new CliError('CLI_INVALID_ARGUMENT', (error as Error).message, { cause: error });
  }
  io.stdout.write(`${token}\n`);
  return 0;
}
