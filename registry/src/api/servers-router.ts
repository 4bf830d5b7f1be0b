import { Router, type Request, type Response } from 'express';
import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import { parseNewServer, parseReplacement, parseServerPatch, parseServerPath, parseToggle } from '../services/parse-server-input.js';
import type { RatingService } from '../ratings/rating-service.js';
import type { ServerEntry } from '../services/server-format.js';
import type { ServerService } from '../services/server-service.js';
import type { RatingSummary } from '../store/rating-repository.js';
import { expectedRevision, revisionTag } from './if-match.js';
import { jsonBody } from './json-body.js';
import { viewerOf } from './viewer-of.js';

export const SERVERS_API_PATH = '/api/servers';

export interface ServersRouterDependencies {
  servers: ServerService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  /** When given, entries read through GET carry their `rating` (average and count) once rated. */
  ratings?: RatingService;
}

/**
 * /api/servers: register, list, read, replace, patch, toggle and delete servers. Every route needs a
 * valid bearer token and the UI-Scopes action for the server it touches; authorisation is checked
 * before existence, so a caller learns nothing about paths it may not touch. A server hidden from
 * the caller by its visibility is not listed and reads as 404. Edits take If-Match: "<revision>".
 */
export function serversRouter({ servers, verifier, scopes, ratings }: ServersRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes), jsonBody());

  router.get('/', async (_request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_service');
    const visible = (await servers.listVisible(viewerOf(caller))).filter((server) =>
      allowsUiAction(caller.policy, caller.scopes, 'list_service', server.path),
    );
    const summaries = await ratings?.summaries('server');
    response.json({ servers: visible.map((server) => withRating(server, summaries?.get(server.path))) });
  });

  router.post('/', async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'register_service');
    const input = parseNewServer(request.body);
    requireAction(caller, 'register_service', input.path);
    sendEntry(response.status(201), await servers.register(input));
  });

  router.post('/*path/toggle', async (request, response) => {
    const path = pathParam(request);
    requireAction(callerOf(response), 'toggle_service', path);
    const { enabled } = parseToggle(request.body);
    sendEntry(response, await servers.toggle(path, enabled, { ifRevision: expectedRevision(request) }));
  });

  router.get('/*path', async (request, response) => {
    const path = pathParam(request);
    const caller = callerOf(response);
    requireAction(caller, 'list_service', path);
    const server = await servers.getVisible(path, viewerOf(caller));
    sendEntry(response, withRating(server, await ratings?.summary({ kind: 'server', path })));
  });

  router.put('/*path', async (request, response) => {
    const path = pathParam(request);
    const caller = callerOf(response);
    requireAction(caller, 'modify_service', path);
    const input = parseReplacement(path, request.body);
    await requireToggleIfChanged(caller, servers, path, input.enabled);
    sendEntry(response, await servers.replace(path, input, { ifRevision: expectedRevision(request) }));
  });

  router.patch('/*path', async (request, response) => {
    const path = pathParam(request);
    const caller = callerOf(response);
    requireAction(caller, 'modify_service', path);
    const patch = parseServerPatch(path, request.body);
    await requireToggleIfChanged(caller, servers, path, patch.enabled);
    sendEntry(response, await servers.patch(path, patch, { ifRevision: expectedRevision(request) }));
  });

  router.delete('/*path', async (request, response) => {
    const path = pathParam(request);
    requireAction(callerOf(response), 'delete_service', path);
    await servers.remove(path);
    await ratings?.forget({ kind: 'server', path });
    response.status(204).end();
  });

  return router;
}

/** A read entry with its `rating` (average and count), which appears, like other optional keys, once set. */
function withRating(server: ServerEntry, rating: RatingSummary | undefined): ServerEntry & { rating?: RatingSummary } {
  return rating === undefined || rating.count === 0 ? server : { ...server, rating };
}

/** Answers an entry with its revision as ETag, for If-Match on the next edit. */
function sendEntry(response: Response, entry: ServerEntry & { rating?: RatingSummary }): void {
  response.set('ETag', revisionTag(entry.revision)).json(entry);
}

/** The server path of `/api/servers/<path...>`, canonical; several segments are allowed. */
export function pathParam(request: Request): string {
  const raw = (request.params as Record<string, unknown>).path;
  return parseServerPath(Array.isArray(raw) ? raw.join('/') : String(raw ?? ''));
}

/** Enabling or disabling through an edit needs toggle_service as well as modify_service. */
async function requireToggleIfChanged(caller: Caller, servers: ServerService, path: string, enabled: boolean | undefined): Promise<void> {
  if (enabled === undefined) return;
  const current = await servers.get(path);
  if (current.enabled !== enabled) requireAction(caller, 'toggle_service', path);
}
