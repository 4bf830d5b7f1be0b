/**
 * Where the registry serves its own MCP server: registered in the registry as the server `/mcpgw`
 * (proxy_pass_url `<registry URL>/mcpgw/`), so that clients reach it at `<gateway>/mcpgw/mcp`.
 */
export const REGISTRY_MCP_SERVER_PATH = '/mcpgw';
export const REGISTRY_MCP_ENDPOINT = `${REGISTRY_MCP_SERVER_PATH}/mcp`;
