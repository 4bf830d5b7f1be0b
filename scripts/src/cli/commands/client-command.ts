import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { callerToken } from '../caller-token.js';
import { CliError } from '../cli-error.js';
import { printJson, type CliIo } from '../cli-io.js';
import { connectMcpClient } from '../client/connect-mcp-client.js';
import { parseOptions, usageError } from '../parse-options.js';
import { CLIENT_USAGE } from '../usage.js';

const SUBCOMMANDS = ['ping', 'list', 'call'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** `mcpgw client ping|list|call`: the SDK client over Streamable HTTP, results printed as JSON. */
export async function clientCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        tool: { type: 'string' },
        args: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw client',
  );
  if (values.help) {
    io.stdout.write(CLIENT_USAGE);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand === undefined || !(SUBCOMMANDS as readonly string[]).includes(subcommand)) {
    throw usageError(subcommand === undefined ? 'missing subcommand: ping, list or call' : `unknown subcommand "client ${subcommand}"`, 'mcpgw client');
  }
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw client');
  if (values.url === undefined) throw usageError('--url URL is required', 'mcpgw client');
  const url = parseUrl(values.url);
  const call = subcommand === 'call' ? parseCall(values.tool, values.args) : undefined;
  if (subcommand !== 'call' && (values.tool !== undefined || values.args !== undefined)) {
    throw usageError('--tool and --args belong to "client call"', 'mcpgw client');
  }
  const token = await callerToken(io, values.token);

  const connection = await connectMcpClient(url, token);
  try {
    return await connection.run(() => runSubcommand(subcommand as Subcommand, connection.client, call, io));
  } finally {
    await connection.close();
  }
}

async function runSubcommand(
  subcommand: Subcommand,
  client: Client,
  call: { name: string; arguments: Record<string, unknown> } | undefined,
  io: CliIo,
): Promise<number> {
  if (subcommand === 'ping') {
    await client.ping();
    printJson(io, { ok: true, server: client.getServerVersion() ?? null });
    return 0;
  }
  if (subcommand === 'list') {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    printJson(io, { tools });
    return 0;
  }
  const result = await client.callTool(call as { name: string; arguments: Record<string, unknown> });
  printJson(io, result);
  if (result.isError === true) {
    throw new CliError('CLI_TOOL_ERROR', `tool ${call?.name} answered with an error (printed above)`);
  }
  return 0;
}

function parseUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new CliError('CLI_INVALID_ARGUMENT', `--url ${JSON.stringify(text)} is not an http(s) URL, e.g. http://127.0.0.1:8000/currenttime/mcp`);
}

function parseCall(tool: string | undefined, args: string | undefined): { name: string; arguments: Record<string, unknown> } {
  if (tool === undefined || tool === '') throw usageError('client call needs --tool NAME', 'mcpgw client');
  let parsed: unknown = {};
  if (args !== undefined) {
    try {
      parsed = JSON.parse(args);
    } catch {
      throw new CliError('CLI_INVALID_ARGUMENT', `--args is not valid JSON: ${args}`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError('CLI_INVALID_ARGUMENT', '--args must be a JSON object, e.g. {"tz_name":"Europe/Paris"}');
  }
  return { name: tool, arguments: parsed as Record<string, unknown> };
}
