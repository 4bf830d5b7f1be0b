import { Router } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../../auth/authenticate-caller.js';
import type { McpRegistryService } from '../../services/mcp-registry/mcp-registry-service.js';
import type { McpRegistrySettings } from '../../services/mcp-registry/mcp-registry-settings.js';
import { usableBy } from './caller-views.js';
import { buildRegistryCard, MCP_SERVERS_PATH, REGISTRY_CARD_PATH } from './registry-card.js';

export interface DiscoveryRouterDependencies {
  mcpRegistry: McpRegistryService;
  mcpRegistrySettings: McpRegistrySettings;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  /** Paths the gateways do not route now; left out of the discovery list. */
  withheldRoutes?: () => Promise<ReadonlySet<string>>;
}

/**
 * Discovery for machines: GET /.well-known/mcp-servers (with a token) lists the enabled servers the
 * caller may use with their gateway URLs; GET /.well-known/mcp-registry (public) describes the registry.
 */
export function discoveryRouter({ mcpRegistry, mcpRegistrySettings, verifier, scopes, withheldRoutes }: DiscoveryRouterDependencies): Router {
  const router = Router();
  const card = buildRegistryCard(mcpRegistrySettings);

  router.get(REGISTRY_CARD_PATH, (_request, response) => {
    response.set('Cache-Control', 'public, max-age=300').json(card);
  });

  router.get(MCP_SERVERS_PATH, authenticateCaller(verifier, scopes), async (_request, response) => {
    const discovered = await mcpRegistry.discover(usableBy(callerOf(response)));
    // A server the gateway does not route now (health withdrawal, a blocking scan) is not offered either.
    const withheld = withheldRoutes ? await withheldRoutes() : undefined;
    const servers = withheld ? discovered.filter((server) => !withheld.has(server.path)) : discovered;
    response.set('Cache-Control', 'no-store').json({ gateway_url: mcpRegistrySettings.gatewayUrl, registry: REGISTRY_CARD_PATH, servers });
  });

  return router;
}
