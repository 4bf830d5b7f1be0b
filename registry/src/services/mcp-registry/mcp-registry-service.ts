import { RegistryError } from '../../errors/registry-error.js';
import type { ServerService } from '../server-service.js';
import type { ServerViewer } from '../server-visibility.js';
import { gatewayEndpointsOf, type GatewayEndpoint } from './gateway-endpoints.js';
import type { McpRegistrySettings } from './mcp-registry-settings.js';
import { OFFICIAL_META_KEY, type ServerList, type ServerResponse } from './mcp-registry-types.js';
import { selectServersPage, type ServersQuery } from './select-servers-page.js';
import { SERVER_NAME_MAX_LENGTH, serverNameOf } from './server-name.js';
import { serverVersionOf } from './server-version.js';
import { toServerResponse } from './to-server-response.js';

/** Whether the caller's grants cover the server at a canonical path. */
export type PathFilter = (serverPath: string) => boolean;

/** Which servers a caller gets: those its visibility lets it see, among them those its grants cover. */
export interface CallerView {
  viewer: ServerViewer;
  allows: PathFilter;
}

/** A server in GET /.well-known/mcp-servers. */
export interface DiscoveredServer {
  name: string;
  server_name: string;
  description: string;
  path: string;
  version: string;
  tags: string[];
  transports: GatewayEndpoint[];
  updated_at: string;
}

/**
 * The registered servers as the MCP Registry API and machine discovery present them. Each call reads
 * the servers once, through the same visibility rules as GET /api/servers.
 */
export interface McpRegistryService {
  listServers(view: CallerView, query: ServersQuery): Promise<ServerList>;
  /** Every version of a server, newest first (one: the registry keeps the current entry only). */
  listVersions(view: CallerView, name: string, includeDeleted: boolean): Promise<ServerList>;
  /** One version, or `latest`. */
  getVersion(view: CallerView, name: string, version: string, includeDeleted: boolean): Promise<ServerResponse>;
  /** The enabled servers of the view, with their gateway URLs. */
  discover(view: CallerView): Promise<DiscoveredServer[]>;
}

export function createMcpRegistryService(servers: ServerService, settings: McpRegistrySettings): McpRegistryService {
  const entriesOf = async (view: CallerView) => (await servers.listVisible(view.viewer)).filter((entry) => view.allows(entry.path));

  const visibleResponses = async (view: CallerView): Promise<ServerResponse[]> =>
    (await entriesOf(view))
      .map((entry) => toServerResponse(entry, settings))
      .filter((response) => response.server.name.length <= SERVER_NAME_MAX_LENGTH);

  const versionsOf = async (view: CallerView, name: string, includeDeleted: boolean): Promise<ServerResponse[]> => {
    const found = (await visibleResponses(view)).filter(
      (response) => response.server.name === name && (includeDeleted || response._meta[OFFICIAL_META_KEY].status !== 'deleted'),
    );
    if (found.length === 0) {
      throw new RegistryError('REGISTRY_SERVER_NOT_FOUND', 404, `Server not found: no server named ${name} that you may see; list them with GET /v0.1/servers`);
    }
    return found;
  };

  return {
    listServers: async (view, query) => selectServersPage(await visibleResponses(view), query),
    listVersions: async (view, name, includeDeleted) => {
      const versions = await versionsOf(view, name, includeDeleted);
      return { servers: versions, metadata: { count: versions.length } };
    },
    getVersion: async (view, name, version, includeDeleted) => {
      const versions = await versionsOf(view, name, includeDeleted);
      const found = versions.find((response) =>
        version === 'latest' ? response._meta[OFFICIAL_META_KEY].isLatest : response.server.version === version,
      );
      if (found === undefined) {
        throw new RegistryError(
          'REGISTRY_SERVER_VERSION_NOT_FOUND',
          404,
          `Server version not found: ${name} has no version ${version}; list its versions with GET /v0.1/servers/{serverName}/versions`,
        );
      }
      return found;
    },
    discover: async (view) =>
      (await entriesOf(view))
        .filter((entry) => entry.enabled)
        .map((entry) => ({
          name: serverNameOf(settings.namespace, entry.path),
          server_name: entry.server_name,
          description: entry.description,
          path: entry.path,
          version: serverVersionOf(entry.revision),
          tags: entry.tags,
          transports: gatewayEndpointsOf(settings.gatewayUrl, entry.path, entry.supported_transports),
          updated_at: entry.updated_at,
        })),
  };
}
