import type { Route, RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { revisionConflict, serverFederated, serverNotFound } from '../errors/registry-error.js';
import type { ServerFields, ServerRepository, StoredServer } from '../store/server-repository.js';
import { credentialOf, type UpstreamAuthInput } from '../credentials/upstream-auth.js';
import type { UpstreamCredentials } from '../credentials/upstream-credentials.js';
import { checkVisibility } from './check-visibility.js';
import { toServerEntry, type ServerEntry, type ServerInput, type ServerPatch } from './server-format.js';
import { isVisibleTo, type ServerViewer } from './server-visibility.js';

/** Conditions on an edit: the revision the caller read (If-Match), when it sent one. */
export interface EditOptions {
  ifRevision?: number;
}

/** Server registration and editing on top of a repository. Inputs arrive validated and canonical. */
export interface ServerService {
  /** Every server, ordered by path, whoever may see it (the route feed, internal use). */
  list(): Promise<ServerEntry[]>;
  /** The servers a viewer may see (visibility only; the caller checks list_service). */
  listVisible(viewer: ServerViewer): Promise<ServerEntry[]>;
  get(path: string): Promise<ServerEntry>;
  /** A server the viewer may see; REGISTRY_SERVER_NOT_FOUND when it does not exist or is hidden from the viewer. */
  getVisible(path: string, viewer: ServerViewer): Promise<ServerEntry>;
  /** A local server, or with `federatedFrom` a read-only copy of a peer registry's server. */
  register(input: ServerInput, provenance?: { federatedFrom: string }): Promise<ServerEntry>;
  replace(path: string, input: ServerInput, options?: EditOptions): Promise<ServerEntry>;
  patch(path: string, patch: ServerPatch, options?: EditOptions): Promise<ServerEntry>;
  /** Sets `enabled`, or flips it when undefined. */
  toggle(path: string, enabled?: boolean, options?: EditOptions): Promise<ServerEntry>;
  remove(path: string): Promise<void>;
  routesVersion(): Promise<string>;
  /** The route table gateways poll (DESIGN: registry -> gateway). */
  routeTable(): Promise<RouteTable>;
}

type OwnFields = Omit<ServerFields, 'source' | 'federatedFrom'>;

/**
 * `credentials` seals the upstream credentials of entries and opens them for the route table; an
 * entry that cannot be opened (another key) is routed without its credential and reported to `onSealBroken`.
 */
export function createServerService(
  repository: ServerRepository,
  credentials?: UpstreamCredentials,
  onSealBroken: (path: string) => void = () => undefined,
): ServerService {
  /** The stored credential an entry asks for: {} to keep the current one. */
  const authChange = (path: string, input: UpstreamAuthInput): { upstreamAuth?: string | null } => {
    const credential = credentialOf(input);
    if (credential === undefined) return {};
    if (credential === null) return { upstreamAuth: null };
    if (credentials === undefined) throw new Error('this registry was started without a credentials key');
    return { upstreamAuth: credentials.seal(path, credential) };
  };
  const routeOf = (server: StoredServer): Route => {
    let upstreamHeaders: Record<string, string> | undefined;
    if (server.upstreamAuth != null) {
      upstreamHeaders = credentials?.headersOf(server.path, server.upstreamAuth);
      if (upstreamHeaders === undefined) onSealBroken(server.path);
    }
    return {
      path: server.path,
      proxyPassUrl: server.proxyPassUrl,
      enabled: server.enabled,
      serverName: server.serverName,
      ...(server.timeoutSeconds === null ? {} : { timeoutSeconds: server.timeoutSeconds }),
      ...(upstreamHeaders === undefined ? {} : { upstreamHeaders }),
    };
  };
  const found = (path: string, server: StoredServer | undefined): ServerEntry => {
    if (server === undefined) throw serverNotFound(path);
    return toServerEntry(server);
  };
  /** An edit through the API: refused on federated copies and on a stale If-Match, inside the write. */
  const edit = (path: string, options: EditOptions, changes: (current: StoredServer) => Partial<OwnFields>) =>
    repository.update(path, (current) => {
      if (current.source === 'federated') throw serverFederated(path, current.federatedFrom);
      if (options.ifRevision !== undefined && options.ifRevision !== current.revision) {
        throw revisionConflict(`the server ${path}`, options.ifRevision, current.revision);
      }
      return changes(current);
    });
  const get = async (path: string): Promise<ServerEntry> => found(path, await repository.get(path));

  return {
    list: async () => (await repository.list()).map(toServerEntry),
    listVisible: async (viewer) => (await repository.list()).map(toServerEntry).filter((server) => isVisibleTo(server, viewer)),
    get,
    getVisible: async (path, viewer) => {
      const server = await get(path);
      if (!isVisibleTo(server, viewer)) throw serverNotFound(path);
      return server;
    },
    register: async (input, provenance) => {
      checkVisibility(input.visibility, input.allowed_groups);
      const source = provenance === undefined ? { source: 'local' as const, federatedFrom: null } : { source: 'federated' as const, ...provenance };
      return toServerEntry(await repository.create(input.path, { ...fieldsOf(input), ...authChange(input.path, input), ...source }));
    },
    replace: async (path, input, options = {}) => {
      checkVisibility(input.visibility, input.allowed_groups);
      return found(path, await edit(path, options, () => ({ ...fieldsOf(input), ...authChange(path, input) })));
    },
    patch: async (path, patch, options = {}) =>
      found(path, await edit(path, options, (current) => ({ ...changesOf(patch, current), ...authChange(path, patch) }))),
    toggle: async (path, enabled, options = {}) =>
      found(path, await edit(path, options, (current) => ({ enabled: enabled ?? !current.enabled }))),
    remove: async (path) => {
      if (!(await repository.delete(path))) throw serverNotFound(path);
    },
    routesVersion: () => repository.routesVersion(),
    routeTable: async () => {
      // Version first: if a write lands between the two reads, the routes are newer than the version
      // and the gateway's next poll fetches them again, rather than caching stale routes as current.
      const version = await repository.routesVersion();
      const servers = await repository.list();
      return { version, routes: servers.map(routeOf) };
    },
  };
}

function fieldsOf(input: ServerInput): OwnFields {
  return {
    serverName: input.server_name,
    description: input.description,
    proxyPassUrl: input.proxy_pass_url,
    tags: input.tags,
    supportedTransports: input.supported_transports,
    enabled: input.enabled,
    license: input.license ?? null,
    toolList: input.tool_list ?? null,
    metadata: input.metadata ?? null,
    mcpEndpoint: input.mcp_endpoint ?? null,
    sseEndpoint: input.sse_endpoint ?? null,
    visibility: input.visibility,
    allowedGroups: input.allowed_groups,
    timeoutSeconds: input.timeout_seconds ?? null,
  };
}

/**
 * A PATCH merged over the current entry. Leaving group-restricted drops the allowed groups;
 * the result must still be consistent (checkVisibility).
 */
function changesOf(patch: ServerPatch, current: StoredServer): Partial<OwnFields> {
  const changes: Partial<OwnFields> = {};
  if (patch.server_name !== undefined) changes.serverName = patch.server_name;
  if (patch.description !== undefined) changes.description = patch.description;
  if (patch.proxy_pass_url !== undefined) changes.proxyPassUrl = patch.proxy_pass_url;
  if (patch.tags !== undefined) changes.tags = patch.tags;
  if (patch.supported_transports !== undefined) changes.supportedTransports = patch.supported_transports;
  if (patch.enabled !== undefined) changes.enabled = patch.enabled;
  if (patch.license !== undefined) changes.license = patch.license;
  if (patch.tool_list !== undefined) changes.toolList = patch.tool_list;
  if (patch.metadata !== undefined) changes.metadata = patch.metadata;
  if (patch.mcp_endpoint !== undefined) changes.mcpEndpoint = patch.mcp_endpoint;
  if (patch.sse_endpoint !== undefined) changes.sseEndpoint = patch.sse_endpoint;
  if (patch.timeout_seconds !== undefined) changes.timeoutSeconds = patch.timeout_seconds;
  const visibility = patch.visibility ?? current.visibility;
  const allowedGroups = patch.allowed_groups ?? (visibility === 'group-restricted' ? current.allowedGroups : []);
  checkVisibility(visibility, allowedGroups);
  if (patch.visibility !== undefined) changes.visibility = patch.visibility;
  if (patch.visibility !== undefined || patch.allowed_groups !== undefined) changes.allowedGroups = allowedGroups;
  return changes;
}
