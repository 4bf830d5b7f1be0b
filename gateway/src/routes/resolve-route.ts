import { GatewayError } from '../errors/gateway-error.js';
import type { RouteMatch } from './compile-routes.js';
import type { LiveRoutes } from './live-routes.js';

/**
 * The enabled route serving a path. A path not in the table, or a disabled server, asks the source
 * once more; then GW_ROUTES_UNAVAILABLE, GW_ROUTE_NOT_FOUND or GW_SERVER_DISABLED.
 */
export async function resolveRoute(routes: LiveRoutes, pathname: string): Promise<RouteMatch> {
  const first = lookUpRoute(routes, pathname);
  if (!(first instanceof GatewayError)) return first;
  await routes.refreshAfterMiss();
  const second = lookUpRoute(routes, pathname);
  if (second instanceof GatewayError) throw second;
  return second;
}

function lookUpRoute(routes: LiveRoutes, pathname: string): RouteMatch | GatewayError {
  const matcher = routes.current();
  if (!matcher) {
    return new GatewayError('GW_ROUTES_UNAVAILABLE', 'the gateway has not received its route table from the registry yet; try again shortly');
  }
  const match = matcher.match(pathname);
  if (!match) {
    return new GatewayError('GW_ROUTE_NOT_FOUND', 'no MCP server is registered at this path; check the server path in the registry');
  }
  if (!match.route.enabled) {
    return new GatewayError('GW_SERVER_DISABLED', `the MCP server at ${match.route.path} is disabled; an administrator can enable it in the registry`, {
      data: { server: match.route.path },
    });
  }
  return match;
}
