import { readFile } from 'node:fs/promises';
import { DEFAULT_PORTS } from '@mcpgw/lib/config/env.js';
import { callerToken } from '../caller-token.js';
import { CliError } from '../cli-error.js';
import { printJson, type CliIo } from '../cli-io.js';
import { parseOptions, usageError } from '../parse-options.js';
import { callRegistry, type RegistryTarget } from '../registry/call-registry.js';
import { SERVICE_USAGE } from '../usage.js';

export const DEFAULT_REGISTRY_URL = `http://127.0.0.1:${DEFAULT_PORTS.registry}`;
const SERVERS_API = '/api/servers';

/** What each subcommand takes after its name. */
const ARGUMENTS = {
  add: ['FILE.json'],
  list: [],
  get: ['PATH'],
  toggle: ['PATH'],
  edit: ['PATH', 'FILE.json'],
  remove: ['PATH'],
} as const;
type Subcommand = keyof typeof ARGUMENTS;

/** `mcpgw service add|list|get|toggle|edit|remove`: the registry's servers API, answers printed as JSON. */
export async function serviceCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        enable: { type: 'boolean' },
        disable: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw service',
  );
  if (values.help) {
    io.stdout.write(SERVICE_USAGE);
    return 0;
  }
  const [name, ...rest] = positionals;
  if (name === undefined || !Object.hasOwn(ARGUMENTS, name)) {
    throw usageError(name === undefined ? 'missing subcommand: add, list, get, toggle, edit or remove' : `unknown subcommand "service ${name}"`, 'mcpgw service');
  }
  const subcommand = name as Subcommand;
  const expected = ARGUMENTS[subcommand];
  if (rest.length !== expected.length) {
    throw usageError(`service ${subcommand} takes ${expected.length === 0 ? 'no arguments' : expected.join(' ')}`, 'mcpgw service');
  }
  if ((values.enable || values.disable) && subcommand !== 'toggle') throw usageError('--enable and --disable belong to "service toggle"', 'mcpgw service');
  if (values.enable && values.disable) throw usageError('give --enable or --disable, not both', 'mcpgw service');

  const target: RegistryTarget = { url: registryUrl(values.url ?? (io.env.REGISTRY_URL || DEFAULT_REGISTRY_URL)), token: await callerToken(io, values.token) };
  const [first = '', second = ''] = rest;
  switch (subcommand) {
    case 'add':
      printJson(io, await callRegistry(target, 'POST', SERVERS_API, await readServerFile(first)));
      break;
    case 'list':
      printJson(io, await callRegistry(target, 'GET', SERVERS_API));
      break;
    case 'get':
      printJson(io, await callRegistry(target, 'GET', serverUrl(first)));
      break;
    case 'toggle': {
      const body = values.enable ? { enabled: true } : values.disable ? { enabled: false } : undefined;
      printJson(io, await callRegistry(target, 'POST', `${serverUrl(first)}/toggle`, body));
      break;
    }
    case 'edit':
      printJson(io, await callRegistry(target, 'PUT', serverUrl(first), await readServerFile(second)));
      break;
    case 'remove':
      await callRegistry(target, 'DELETE', serverUrl(first));
      printJson(io, { removed: `/${trimSlashes(first)}` });
      break;
  }
  return 0;
}

function registryUrl(text: string): URL {
  if (URL.canParse(text)) {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  }
  throw new CliError('CLI_INVALID_ARGUMENT', `the registry URL ${JSON.stringify(text)} is not an http(s) URL, e.g. ${DEFAULT_REGISTRY_URL}`);
}

/** `/api/servers/<path>` for `currenttime`, `/currenttime` or `/team/weather/`, each segment encoded. */
function serverUrl(path: string): string {
  const segments = trimSlashes(path).split('/').filter(Boolean);
  if (segments.length === 0) throw usageError(`PATH must name a server, e.g. /currenttime, got ${JSON.stringify(path)}`, 'mcpgw service');
  return `${SERVERS_API}/${segments.map(encodeURIComponent).join('/')}`;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** A server file in the registry's (the original's) JSON format, sent as it is. */
async function readServerFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('CLI_FILE_UNREADABLE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError('CLI_FILE_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
