import type { IncomingMessage, ServerResponse } from 'node:http';
import { VIRTUAL_MCP_PATH } from '@mcpgw/lib/paths/reserved-paths.js';
import { PROTECTED_RESOURCE_PATH, resourcePathOfMetadataPath } from '@mcpgw/lib/tokens/resource-metadata.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { LiveRoutes } from '../routes/live-routes.js';
import { resolveRoute } from '../routes/resolve-route.js';

export interface ProtectedResourceOptions {
  /** The gateway's public origin; read per request because it may be known only once the gateway listens. */
  publicUrl: () => string;
  /** Issuers of the enabled identity providers (or the registry's issuer). */
  authorizationServers: readonly string[];
  scopesSupported: readonly string[];
  routes: LiveRoutes;
}

/** Answers a request when it asks for protected resource metadata; resolves false for any other. */
export type ProtectedResourceHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;

const PUBLIC_DOCUMENT_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'public, max-age=60',
  'access-control-allow-origin': '*',
} as const;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), as MCP authorization asks of a server: at
 * `/.well-known/oauth-protected-resource` for the gateway itself and at
 * `/.well-known/oauth-protected-resource/<path>/mcp` (or any URL under a registered server path)
 * for that URL. `resource` is the public URL of the resource exactly; no authentication is needed.
 */
export function createProtectedResourceHandler(options: ProtectedResourceOptions): ProtectedResourceHandler {
  return async (req, res, pathname) => {
    if (pathname !== PROTECTED_RESOURCE_PATH && !pathname.startsWith(`${PROTECTED_RESOURCE_PATH}/`)) return false;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': 'MCP-Protocol-Version, Accept',
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new GatewayError('GW_METHOD_NOT_ALLOWED', 'protected resource metadata is read with GET', { headers: { allow: 'GET, HEAD, OPTIONS' } });
    }
    const resourcePath = resourcePathOfMetadataPath(pathname);
    if (resourcePath === undefined) {
      throw new GatewayError('GW_ROUTE_NOT_FOUND', 'no protected resource is described at this path');
    }
    const virtual = resourcePath === VIRTUAL_MCP_PATH || resourcePath.startsWith('/virtual/');
    if (resourcePath !== '/' && !virtual) await resolveRoute(options.routes, resourcePath);

    const publicUrl = options.publicUrl();
    const document: Record<string, unknown> = { resource: resourcePath === '/' ? publicUrl : `${publicUrl}${resourcePath}` };
    if (options.authorizationServers.length > 0) document.authorization_servers = options.authorizationServers;
    if (options.scopesSupported.length > 0) document.scopes_supported = options.scopesSupported;
    document.bearer_methods_supported = ['header'];
    const text = JSON.stringify(document);
    res.writeHead(200, { ...PUBLIC_DOCUMENT_HEADERS, 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  };
}
