/**
 * The registry's own MCP server: served by the registry at `/mcpgw/mcp` and registered in it as the
 * server `/mcpgw` (proxy_pass_url `<registry URL>/mcpgw/`), so that clients reach it through the
 * gateway at `<gateway>/mcpgw/mcp` like any other server. This module owns its path and entry.
 */
export const REGISTRY_MCP_SERVER_PATH = '/mcpgw';
export const REGISTRY_MCP_ENDPOINT = `${REGISTRY_MCP_SERVER_PATH}/mcp`;

/** The server entry (registry JSON format) that routes `/mcpgw` to the registry at `registryUrl`. */
export function registryMcpServerEntry(registryUrl: string): Record<string, unknown> & { path: string } {
  return {
    server_name: 'mcpgw',
    path: REGISTRY_MCP_SERVER_PATH,
    proxy_pass_url: `${registryUrl.replace(/\/+$/, '')}${REGISTRY_MCP_SERVER_PATH}/`,
    description: 'The registry itself: find the tools you may call (intelligent_tool_finder), list services, health, and register or toggle servers.',
    tags: ['registry', 'discovery'],
    supported_transports: ['streamable-http'],
  };
}
