import type { ServerEntry } from '../server-format.js';
import { gatewayEndpointsOf } from './gateway-endpoints.js';
import type { McpRegistrySettings } from './mcp-registry-settings.js';
import {
  OFFICIAL_META_KEY,
  PUBLISHER_META_KEY,
  SERVER_SCHEMA_URL,
  type KeyValueInput,
  type OfficialMeta,
  type ServerResponse,
} from './mcp-registry-types.js';
import { serverNameOf } from './server-name.js';
import { serverVersionOf } from './server-version.js';

/** server.json limits description and title to 100 characters (code points). */
const TEXT_MAX_LENGTH = 100;

export const DISABLED_STATUS_MESSAGE = 'disabled in this registry: the gateway refuses its traffic until an administrator enables it again';

/** The bearer token every remote needs, declared so that clients prompt for it. */
const AUTHORIZATION_HEADER: KeyValueInput = Object.freeze({
  name: 'Authorization',
  description: 'A bearer token this gateway accepts (npx mcpgw token, or one from your identity provider)',
  isRequired: true,
  isSecret: true,
  value: 'Bearer {token}',
  variables: { token: { description: 'The gateway token', isRequired: true, isSecret: true } },
});

/**
 * A registered server as the MCP Registry API answers it: a server.json whose remotes point at the
 * gateway, and the registry's metadata. A disabled server has the status `deleted`.
 */
export function toServerResponse(entry: ServerEntry, settings: McpRegistrySettings): ServerResponse {
  const remotes = gatewayEndpointsOf(settings.gatewayUrl, entry.path, entry.supported_transports).map((endpoint) => ({
    ...endpoint,
    headers: [AUTHORIZATION_HEADER],
  }));
  const official: OfficialMeta = {
    status: entry.enabled ? 'active' : 'deleted',
    ...(entry.enabled ? {} : { statusMessage: DISABLED_STATUS_MESSAGE }),
    publishedAt: entry.registered_at,
    updatedAt: entry.updated_at,
    isLatest: true,
  };
  return {
    server: {
      $schema: SERVER_SCHEMA_URL,
      name: serverNameOf(settings.namespace, entry.path),
      description: clip(entry.description.trim() || entry.server_name),
      title: clip(entry.server_name),
      version: serverVersionOf(entry.revision),
      ...(remotes.length > 0 ? { remotes } : {}),
      _meta: {
        [PUBLISHER_META_KEY]: { path: entry.path, tags: entry.tags, ...(entry.license === undefined ? {} : { license: entry.license }) },
      },
    },
    _meta: { [OFFICIAL_META_KEY]: official },
  };
}

function clip(text: string): string {
  const characters = [...text];
  return characters.length <= TEXT_MAX_LENGTH ? text : `${characters.slice(0, TEXT_MAX_LENGTH - 1).join('')}…`;
}
