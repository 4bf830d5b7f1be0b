import { createRequire } from 'node:module';
import { PROTECTED_RESOURCE_PATH } from '@mcpgw/lib/tokens/resource-metadata.js';
import { JWKS_PATH } from '../public-router.js';
import type { McpRegistrySettings } from '../../services/mcp-registry/mcp-registry-settings.js';
import { MCP_REGISTRY_API_VERSION, SERVER_SCHEMA_URL } from '../../services/mcp-registry/mcp-registry-types.js';

export const REGISTRY_CARD_PATH = '/.well-known/mcp-registry';
export const MCP_SERVERS_PATH = '/.well-known/mcp-servers';
export const MCP_REGISTRY_API_PREFIXES = ['/v0.1', '/v0'] as const;

const { version: REGISTRY_VERSION } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/**
 * GET /.well-known/mcp-registry: what this registry is and how to use it. Endpoint paths are relative
 * to the registry's own URL; server URLs are the gateway's.
 */
export function buildRegistryCard(settings: McpRegistrySettings): Record<string, unknown> {
  return {
    name: 'MCP Gateway Registry',
    description: 'The catalogue of the MCP servers behind one gateway; each is reached at <gateway_url>/<path>/mcp with a bearer token.',
    version: REGISTRY_VERSION,
    namespace: settings.namespace,
    gateway_url: settings.gatewayUrl,
    endpoints: {
      mcp_servers: MCP_SERVERS_PATH,
      mcp_registry_api: {
        servers: `${MCP_REGISTRY_API_PREFIXES[0]}/servers`,
        prefixes: [...MCP_REGISTRY_API_PREFIXES],
        api_version: MCP_REGISTRY_API_VERSION,
        server_schema: SERVER_SCHEMA_URL,
      },
      servers_api: '/api/servers',
      jwks: JWKS_PATH,
      health: '/health',
    },
    authentication: {
      scheme: 'bearer',
      header: 'Authorization',
      alternate_header: 'X-Authorization',
      public_endpoints: [REGISTRY_CARD_PATH, JWKS_PATH, '/health'],
      resource_metadata: `${settings.gatewayUrl}${PROTECTED_RESOURCE_PATH}`,
      token_command: 'npx mcpgw token --user NAME --groups GROUP',
      jwks_uri: JWKS_PATH,
    },
  };
}
