import { readFile } from 'node:fs/promises';
import { DEFAULT_PORTS } from '@mcpgw/lib/config/env.js';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { tryCanonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { ASSISTANTS, assistantConfig, mergeAssistantConfig, PROJECT_CONFIG_FILE, type Assistant } from '../assistant/assistant-config.js';
import { CliError } from '../cli-error.js';
import { printJson, type CliIo } from '../cli-io.js';
import { parseOptions, usageError } from '../parse-options.js';
import { CONFIG_USAGE } from '../usage.js';

/**
 * `mcpgw config vscode|claude|cursor --server PATH`: the assistant's MCP configuration for one server
 * behind the gateway, printed, or with --write merged into the assistant's project file.
 */
export async function configCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        gateway: { type: 'string' },
        token: { type: 'string' },
        name: { type: 'string' },
        write: { type: 'boolean' },
        file: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw config',
  );
  if (values.help) {
    io.stdout.write(CONFIG_USAGE);
    return 0;
  }
  const [assistant, ...rest] = positionals;
  if (assistant === undefined || !(ASSISTANTS as readonly string[]).includes(assistant)) {
    throw usageError(assistant === undefined ? `missing assistant: ${ASSISTANTS.join(', ')}` : `unknown assistant "${assistant}"; use ${ASSISTANTS.join(', ')}`, 'mcpgw config');
  }
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw config');
  if (values.server === undefined) throw usageError('--server PATH is required, e.g. --server /currenttime', 'mcpgw config');
  if (values.file !== undefined && !values.write) throw usageError('--file goes with --write', 'mcpgw config');
  const serverPath = tryCanonicalServerPath(values.server);
  if (serverPath === undefined) {
    throw new CliError('CLI_INVALID_ARGUMENT', `--server ${JSON.stringify(values.server)} is not a server path; use lower-case segments such as /currenttime or /team/weather`);
  }
  const token = values.token?.trim();
  if (token === '') throw new CliError('CLI_INVALID_ARGUMENT', '--token is empty; did the command that makes it fail? Try npx mcpgw token --user NAME');
  const input = {
    name: values.name ?? serverPath.slice(1).replace(/\//g, '-'),
    url: `${gatewayOrigin(values.gateway ?? io.env.GATEWAY_PUBLIC_URL, io.env)}${serverPath}/mcp`,
    token,
  };
  const kind = assistant as Assistant;
  if (!values.write) {
    printJson(io, assistantConfig(kind, input));
    return 0;
  }
  const file = values.file ?? PROJECT_CONFIG_FILE[kind];
  const existing = await readExisting(file);
  // A file holding a token is for its owner only.
  await writeFileAtomic(file, `${JSON.stringify(mergeAssistantConfig(kind, existing, input), null, 2)}\n`, token === undefined ? 0o644 : 0o600);
  io.stdout.write(`wrote ${file}: ${input.name} -> ${input.url}${token === undefined ? ' (token: see the file for where it comes from)' : ''}\n`);
  return 0;
}

/** The gateway's origin as clients reach it: --gateway, GATEWAY_PUBLIC_URL, else the local default port. */
function gatewayOrigin(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  const text = configured?.trim() || `http://127.0.0.1:${env.GATEWAY_PORT?.trim() || DEFAULT_PORTS.gateway}`;
  if (URL.canParse(text)) {
    const url = new URL(text);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '')) return url.origin;
  }
  throw new CliError('CLI_INVALID_ARGUMENT', `the gateway URL ${JSON.stringify(text)} must be an http(s) origin without a path, e.g. https://gateway.example.com`);
}

async function readExisting(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('CLI_FILE_UNREADABLE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (error) {
    throw new CliError('CLI_FILE_INVALID', `${file} is not valid JSON (${(error as Error).message}); fix or move it, it was left as it is`, { cause: error });
  }
  throw new CliError('CLI_FILE_INVALID', `${file} does not hold a JSON object; fix or move it, it was left as it is`);
}
