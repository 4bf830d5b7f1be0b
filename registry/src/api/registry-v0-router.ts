import { Router, type Request } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import { RegistryError } from '../errors/registry-error.js';
import { answerErrorsAsProblems } from '../errors/send-error.js';
import { createMcpRegistryService, type McpRegistryService } from '../services/mcp-registry/mcp-registry-service.js';
import type { McpRegistrySettings } from '../services/mcp-registry/mcp-registry-settings.js';
import type { ServerService } from '../services/server-service.js';
import { visibleTo } from './mcp-registry/caller-views.js';
import { discoveryRouter } from './mcp-registry/discovery-router.js';
import { parseServersQuery, parseVersionsQuery } from './mcp-registry/parse-servers-query.js';
import { MCP_REGISTRY_API_PREFIXES } from './mcp-registry/registry-card.js';

export interface RegistryV0Dependencies {
  servers: ServerService;
  mcpRegistrySettings: McpRegistrySettings;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  withheldRoutes?: () => Promise<ReadonlySet<string>>;
}

/**
 * The MCP Registry API (../shared/specs/mcp-registry/openapi.yaml) under /v0.1 and /v0, read-only,
 * and the discovery documents under /.well-known. Every API call needs a bearer token and shows
 * only the servers the caller's `list_service` grants; errors are problem details.
 */
export function registryV0Router({ servers, mcpRegistrySettings, verifier, scopes, withheldRoutes }: RegistryV0Dependencies): Router {
  const mcpRegistry = createMcpRegistryService(servers, mcpRegistrySettings);
  const router = Router();
  router.use(
    [...MCP_REGISTRY_API_PREFIXES],
    (_request, response, next) => {
      answerErrorsAsProblems(response);
      next();
    },
    authenticateCaller(verifier, scopes),
    serversV0Router(mcpRegistry),
  );
  router.use(discoveryRouter({ mcpRegistry, mcpRegistrySettings, verifier, scopes, ...(withheldRoutes ? { withheldRoutes } : {}) }));
  return router;
}

function serversV0Router(mcpRegistry: McpRegistryService): Router {
  const router = Router();

  router.get('/servers', async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_service');
    response.json(await mcpRegistry.listServers(visibleTo(caller), parseServersQuery(request.query)));
  });

  router.get('/servers/*serverName/versions', async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_service');
    const { includeDeleted } = parseVersionsQuery(request.query);
    response.json(await mcpRegistry.listVersions(visibleTo(caller), serverNameParam(request), includeDeleted));
  });

  router.get('/servers/*serverName/versions/:version', async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_service');
    const { includeDeleted } = parseVersionsQuery(request.query);
    const version = String(request.params.version);
    response.json(await mcpRegistry.getVersion(visibleTo(caller), serverNameParam(request), version, includeDeleted));
  });

  const readOnly = (): never => {
    throw new RegistryError(
      'REGISTRY_NOT_IMPLEMENTED',
      501,
      'this registry does not publish, update or delete through the MCP Registry API; use /api/servers',
    );
  };
  router.post('/publish', readOnly);
  router.put('/servers/*serverName/versions/:version', readOnly);
  router.delete('/servers/*serverName/versions/:version', readOnly);

  return router;
}

/** The server name of the URL, `%2F`-encoded as the specification says, or with a plain `/`. */
function serverNameParam(request: Request): string {
  const raw = (request.params as Record<string, unknown>).serverName;
  return Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
}
