import { Router, type Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import type { VirtualServerService } from '../services/virtual-servers/virtual-server-service.js';
import { expectedRevision, revisionTag } from './if-match.js';
import { jsonBody } from './json-body.js';
import { loggerOf } from './request-context.js';

export const VIRTUAL_SERVERS_API_PATH = '/api/virtual-servers';

export interface VirtualServersRouterDependencies {
  virtualServers: VirtualServerService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  logger: Logger;
}

/**
 * /api/virtual-servers: named virtual MCP servers (the gateway serves each at /virtual/<name>/mcp).
 * Reading needs list_service on some server; creating, replacing or deleting one needs modify_service
 * on every member server it names (before and after the change).
 */
export function virtualServersRouter({ virtualServers, verifier, scopes, logger }: VirtualServersRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes), jsonBody());
  const authoriseMembers = (response: Response) => (paths: string[]) => {
    for (const path of paths) requireAction(callerOf(response), 'modify_service', path);
  };

  router.get('/', async (_request, response) => {
    requireAction(callerOf(response), 'list_service');
    response.json({ virtual_servers: await virtualServers.list() });
  });
  router.get('/:name', async (request, response) => {
    requireAction(callerOf(response), 'list_service');
    const entry = await virtualServers.get(request.params.name);
    response.set('ETag', revisionTag(entry.revision)).json(entry);
  });
  router.put('/:name', async (request, response) => {
    const body = request.body as { revision?: unknown } | undefined;
    const { entry, created } = await virtualServers.put(request.params.name, request.body, expectedRevision(request, body?.revision), authoriseMembers(response));
    loggerOf(response, logger).info({ name: entry.name, revision: entry.revision, by: callerOf(response).identity.username }, created ? 'virtual server created' : 'virtual server replaced');
    response.status(created ? 201 : 200).set('ETag', revisionTag(entry.revision)).json(entry);
  });
  router.delete('/:name', async (request, response) => {
    await virtualServers.delete(request.params.name, expectedRevision(request), authoriseMembers(response));
    loggerOf(response, logger).info({ name: request.params.name, by: callerOf(response).identity.username }, 'virtual server deleted');
    response.status(204).end();
  });
  return router;
}
