import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { UiAction } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { viewerOf } from '../api/viewer-of.js';
import { jsonBody } from '../api/json-body.js';
import { pathParam } from '../api/servers-router.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import { problemsOf, RegistryError } from '../errors/registry-error.js';
import type { ServerService } from '../services/server-service.js';
import type { HealthService } from './health-service.js';
import { healthView, scanView, toolChangeView } from './health-views.js';

export interface ServerHealthRouterDependencies {
  servers: ServerService;
  health: HealthService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
}

/** The actions that make a caller an administrator of a server, who may override a failed scan. */
export const SCAN_OVERRIDE_ACTIONS: readonly UiAction[] = ['list_service', 'register_service', 'toggle_service', 'modify_service', 'delete_service', 'health_check_service'];
const DEFAULT_TOOL_CHANGES = 50;
const MAX_TOOL_CHANGES = 500;

const routingSchema = z.strictObject({ route_regardless_of_health: z.boolean() });
const limitSchema = z.coerce.number().int().min(1).max(MAX_TOOL_CHANGES).default(DEFAULT_TOOL_CHANGES);

/**
 * Health, discovery and scan endpoints under /api/servers/{path}: POST …/refresh (health_check_service)
 * checks now, discovers and scans; GET …/health, …/tools, …/tool-changes and …/security-scan
 * (list_service, and the server visible to the caller); PUT …/routing (modify_service) sets "route
 * regardless of health"; POST …/security-scan/override (every server action on the path) lets a
 * blocked server through.
 */
export function serverHealthRouter({ servers, health, verifier, scopes }: ServerHealthRouterDependencies): Router {
  const router = Router();
  const authenticate = authenticateCaller(verifier, scopes);
  /** The path, after the caller is allowed `action` on it and may see the server. */
  const visiblePath = async (request: Request, response: Parameters<typeof callerOf>[0], action: UiAction): Promise<string> => {
    const path = pathParam(request);
    const caller = callerOf(response);
    requireAction(caller, action, path);
    await servers.getVisible(path, viewerOf(caller));
    return path;
  };

  router.post('/*path/refresh', authenticate, async (request, response) => {
    const path = await visiblePath(request, response, 'health_check_service');
    response.json({ path, health: healthView(await health.check(path, { force: true })) });
  });

  router.get('/*path/health', authenticate, async (request, response) => {
    const path = await visiblePath(request, response, 'list_service');
    response.json({ path, health: healthView(await health.health(path)) });
  });

  router.put('/*path/routing', authenticate, jsonBody(), async (request, response) => {
    const path = await visiblePath(request, response, 'modify_service');
    const parsed = routingSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new RegistryError('REGISTRY_INVALID_REQUEST', 400, 'send {"route_regardless_of_health": true|false}', {
        problems: problemsOf(parsed.error),
      });
    }
    response.json({ path, health: healthView(await health.setRouteRegardless(path, parsed.data.route_regardless_of_health)) });
  });

  router.get('/*path/tools', authenticate, async (request, response) => {
    const path = await visiblePath(request, response, 'list_service');
    const found = await health.capabilities(path);
    response.json(
      found === undefined
        ? { path, discovered_at: null, tools: [], prompts: [], resources: [], tool_hashes: {} }
        : { path, discovered_at: found.discoveredAt, tools: found.tools, prompts: found.prompts, resources: found.resources, tool_hashes: found.toolHashes },
    );
  });

  router.get('/*path/tool-changes', authenticate, async (request, response) => {
    const path = await visiblePath(request, response, 'list_service');
    const limit = limitSchema.safeParse(request.query.limit);
    if (!limit.success) throw new RegistryError('REGISTRY_INVALID_QUERY', 400, `limit must be a whole number from 1 to ${MAX_TOOL_CHANGES}`);
    response.json({ path, changes: (await health.toolChanges(path, limit.data)).map(toolChangeView) });
  });

  router.get('/*path/security-scan', authenticate, async (request, response) => {
    const path = await visiblePath(request, response, 'list_service');
    const found = await health.scan(path);
    if (found === undefined) throw scanNotFound(path);
    response.json({ path, ...scanView(found) });
  });

  router.post('/*path/security-scan/override', authenticate, async (request, response) => {
    const path = pathParam(request);
    const caller = callerOf(response);
    for (const action of SCAN_OVERRIDE_ACTIONS) requireAction(caller, action, path);
    const record = await health.overrideScan(path, caller.identity.username);
    if (record === undefined) throw scanNotFound(path);
    response.json({ path, ...scanView(record) });
  });

  return router;
}

function scanNotFound(path: string): RegistryError {
  return new RegistryError('REGISTRY_SCAN_NOT_FOUND', 404, `${path} has not been scanned yet; POST /api/servers${path}/refresh once it is reachable`);
}
