import type { RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { serverNotFound } from '../errors/registry-error.js';
import type { ServerFields, ServerRepository, StoredServer } from '../store/server-repository.js';
import { toServerEntry, type ServerEntry, type ServerInput, type ServerPatch } from './server-format.js';

/** Server registration and editing on top of a repository. Inputs arrive validated and canonical. */
export interface ServerService {
  /** Every server, ordered by path. */
  list(): Promise<ServerEntry[]>;
  get(path: string): Promise<ServerEntry>;
  register(input: ServerInput): Promise<ServerEntry>;
  replace(path: string, input: ServerInput): Promise<ServerEntry>;
  patch(path: string, patch: ServerPatch): Promise<ServerEntry>;
  /** Sets `enabled`, or flips it when undefined. */
  toggle(path: string, enabled?: boolean): Promise<ServerEntry>;
  remove(path: string): Promise<void>;
  routesVersion(): Promise<string>;
  /** The route table gateways poll (DESIGN: registry -> gateway). */
  routeTable(): Promise<RouteTable>;
}

export function createServerService(repository: ServerRepository): ServerService {
  const found = (path: string, server: StoredServer | undefined): ServerEntry => {
    if (server === undefined) throw serverNotFound(path);
    return toServerEntry(server);
  };

  return {
    list: async () => (await repository.list()).map(toServerEntry),
    get: async (path) => found(path, await repository.get(path)),
    register: async (input) => toServerEntry(await repository.create(input.path, fieldsOf(input))),
    replace: async (path, input) => found(path, await repository.update(path, fieldsOf(input))),
    patch: async (path, patch) => found(path, await repository.update(path, changesOf(patch))),
    toggle: async (path, enabled) => found(path, await repository.update(path, (current) => ({ enabled: enabled ?? !current.enabled }))),
    remove: async (path) => {
      if (!(await repository.delete(path))) throw serverNotFound(path);
    },
    routesVersion: () => repository.routesVersion(),
    routeTable: async () => {
      // Version first: if a write lands between the two reads, the routes are newer than the version
      // and the gateway's next poll fetches them again, rather than caching stale routes as current.
      const version = await repository.routesVersion();
      const servers = await repository.list();
      return {
        version,
        routes: servers.map((server) => ({ path: server.path, proxyPassUrl: server.proxyPassUrl, enabled: server.enabled, serverName: server.serverName })),
      };
    },
  };
}

function fieldsOf(input: ServerInput): ServerFields {
  return {
    serverName: input.server_name,
    description: input.description,
    proxyPassUrl: input.proxy_pass_url,
    tags: input.tags,
    supportedTransports: input.supported_transports,
    enabled: input.enabled,
    license: input.license ?? null,
    toolList: input.tool_list ?? null,
  };
}

function changesOf(patch: ServerPatch): Partial<ServerFields> {
  const changes: Partial<ServerFields> = {};
  if (patch.server_name !== undefined) changes.serverName = patch.server_name;
  if (patch.description !== undefined) changes.description = patch.description;
  if (patch.proxy_pass_url !== undefined) changes.proxyPassUrl = patch.proxy_pass_url;
  if (patch.tags !== undefined) changes.tags = patch.tags;
  if (patch.supported_transports !== undefined) changes.supportedTransports = patch.supported_transports;
  if (patch.enabled !== undefined) changes.enabled = patch.enabled;
  if (patch.license !== undefined) changes.license = patch.license;
  if (patch.tool_list !== undefined) changes.toolList = patch.tool_list;
  return changes;
}
