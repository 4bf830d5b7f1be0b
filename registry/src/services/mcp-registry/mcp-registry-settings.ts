import { envString, EnvError } from '@mcpgw/lib/config/env.js';
import { gatewayPublicUrlFromEnv } from '@mcpgw/lib/providers/identity-settings.js';
import { parsePublicUrl } from '@mcpgw/lib/tokens/resource-metadata.js';

/** How the registry describes its servers to MCP Registry API and discovery clients. */
export interface McpRegistrySettings {
  /** Reverse-DNS namespace of every server name, e.g. `io.example.gateway` in `io.example.gateway/currenttime`. */
  namespace: string;
  /** The gateway's public origin as clients reach it (GATEWAY_PUBLIC_URL); remotes point under it. */
  gatewayUrl: string;
}

export const DEFAULT_MCP_REGISTRY_NAMESPACE = 'local.mcp-gateway';
const NAMESPACE = /^[a-zA-Z0-9.-]+$/;
/** Leaves room for a server part within the 200 characters a server name may have. */
const NAMESPACE_MAX_LENGTH = 100;

/** MCP_REGISTRY_NAMESPACE and GATEWAY_PUBLIC_URL (default http://127.0.0.1:${GATEWAY_PORT}), validated. */
export function mcpRegistrySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): McpRegistrySettings {
  return checkMcpRegistrySettings({
    namespace: envString('MCP_REGISTRY_NAMESPACE', DEFAULT_MCP_REGISTRY_NAMESPACE, env),
    gatewayUrl: gatewayPublicUrlFromEnv(env),
  });
}

/** Validates settings and returns them normalised (the gateway URL as an origin), frozen. */
export function checkMcpRegistrySettings(settings: McpRegistrySettings): McpRegistrySettings {
  const { namespace } = settings;
  if (!NAMESPACE.test(namespace) || namespace.length > NAMESPACE_MAX_LENGTH) {
    throw new EnvError(
      `MCP_REGISTRY_NAMESPACE must be a reverse-DNS name of letters, digits, "." and "-" (at most ${NAMESPACE_MAX_LENGTH} characters), got ${JSON.stringify(namespace)}`,
    );
  }
  return Object.freeze({ namespace, gatewayUrl: parsePublicUrl(settings.gatewayUrl) });
}
