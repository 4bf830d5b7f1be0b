import { CliError } from '../cli-error.js';
import { printJson, type CliIo } from '../cli-io.js';
import { parseOptions, usageError } from '../parse-options.js';
import { callRegistry, type RegistryTarget } from '../registry/call-registry.js';
import { PEER_USAGE } from '../usage.js';
import { readServerFile } from './service-command.js';
import { registryTarget } from '../registry/registry-target.js';

const PEERS_API = '/api/peers';

/** What each subcommand takes after its name. */
const ARGUMENTS = {
  list: [],
  add: ['FILE.json'],
  get: ['PEER_ID'],
  update: ['PEER_ID', 'FILE.json'],
  remove: ['PEER_ID'],
  sync: ['PEER_ID'],
  'sync-all': [],
  enable: ['PEER_ID'],
  disable: ['PEER_ID'],
  status: ['PEER_ID'],
  items: ['PEER_ID'],
} as const;
type Subcommand = keyof typeof ARGUMENTS;

/** `mcpgw peer …`: the registry's Peers API, answers printed as JSON. */
export async function peerCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: { url: { type: 'string' }, token: { type: 'string' }, full: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    },
    'mcpgw peer',
  );
  if (values.help) {
    io.stdout.write(PEER_USAGE);
    return 0;
  }
  const [name, ...rest] = positionals;
  if (name === undefined || !Object.hasOwn(ARGUMENTS, name)) {
    throw usageError(name === undefined ? `missing subcommand: ${Object.keys(ARGUMENTS).join(', ')}` : `unknown subcommand "peer ${name}"`, 'mcpgw peer');
  }
  const subcommand = name as Subcommand;
  const expected = ARGUMENTS[subcommand];
  if (rest.length !== expected.length) {
    throw usageError(`peer ${subcommand} takes ${expected.length === 0 ? 'no arguments' : expected.join(' ')}`, 'mcpgw peer');
  }
  if (values.full && subcommand !== 'sync' && subcommand !== 'sync-all') throw usageError('--full belongs to "peer sync" and "peer sync-all"', 'mcpgw peer');
  const target: RegistryTarget = await registryTarget(values, io);
  const [first = '', second = ''] = rest;
  const full = values.full ? '?full=true' : '';
  switch (subcommand) {
    case 'list':
      printJson(io, await callRegistry(target, 'GET', PEERS_API));
      break;
    case 'add':
      printJson(io, await callRegistry(target, 'POST', PEERS_API, await readServerFile(first)));
      break;
    case 'get':
      printJson(io, await callRegistry(target, 'GET', peerUrl(first)));
      break;
    case 'update':
      printJson(io, await callRegistry(target, 'PUT', peerUrl(first), await readServerFile(second)));
      break;
    case 'remove':
      await callRegistry(target, 'DELETE', peerUrl(first));
      printJson(io, { removed: first });
      break;
    case 'sync':
      printJson(io, await callRegistry(target, 'POST', `${peerUrl(first)}/sync${full}`));
      break;
    case 'sync-all':
      printJson(io, await callRegistry(target, 'POST', `${PEERS_API}/sync${full}`));
      break;
    case 'enable':
    case 'disable':
    case 'status':
    case 'items':
      printJson(io, await callRegistry(target, subcommand === 'status' || subcommand === 'items' ? 'GET' : 'POST', `${peerUrl(first)}/${subcommand}`));
      break;
  }
  return 0;
}

function peerUrl(peerId: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(peerId)) throw usageError(`PEER_ID must be a peer id such as lob-a, got ${JSON.stringify(peerId)}`, 'mcpgw peer');
  return `${PEERS_API}/${peerId}`;
}

