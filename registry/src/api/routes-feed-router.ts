import { Router, type Request } from 'express';
import { INTERNAL_TOKEN_HEADER, internalTokenMatches } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH } from '@mcpgw/lib/routes/route-table.js';
import { RegistryError } from '../errors/registry-error.js';
import type { ServerService } from '../services/server-service.js';
import type { VirtualServerService } from '../services/virtual-servers/virtual-server-service.js';

export interface RoutesFeedDependencies {
  servers: ServerService;
  virtualServers: VirtualServerService;
  internalToken: string;
  /** Paths to leave out of the feed (servers withdrawn by health checks or blocked by a scan). */
  withheldRoutes?: () => Promise<ReadonlySet<string>>;
}

/**
 * GET /internal/routes: the route table for gateways, behind the internal token. The ETag is the
 * routes version, so a gateway polling with If-None-Match gets 304 until something changes.
 */
export function routesFeedRouter({ servers, virtualServers, internalToken, withheldRoutes }: RoutesFeedDependencies): Router {
  const router = Router();
  router.get(ROUTES_FEED_PATH, async (request, response) => {
    if (!internalTokenMatches(internalToken, request.get(INTERNAL_TOKEN_HEADER))) {
      throw new RegistryError(
        'REGISTRY_INTERNAL_TOKEN_INVALID',
        401,
        `send the internal token (INTERNAL_API_TOKEN or DATA_DIR/internal-token) in the ${INTERNAL_TOKEN_HEADER} header`,
      );
    }
    response.set('Cache-Control', 'no-cache');
    const version = await servers.routesVersion();
    if (matchesEtag(request, version)) {
      response.set('ETag', etagOf(version)).status(304).end();
      return;
    }
    const table = await servers.routeTable();
    if (withheldRoutes) {
      const withheld = await withheldRoutes();
      table.routes = table.routes.filter((route) => !withheld.has(route.path));
    }
    const definitions = await virtualServers.definitions();
    response.set('ETag', etagOf(table.version)).json(definitions.length > 0 ? { ...table, virtualServers: definitions } : table);
  });
  return router;
}

function etagOf(version: string): string {
  return `"${version}"`;
}

function matchesEtag(request: Request, version: string): boolean {
  const header = request.get('if-none-match');
  if (header === undefined) return false;
  const wanted = etagOf(version);
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === wanted;
  });
}
