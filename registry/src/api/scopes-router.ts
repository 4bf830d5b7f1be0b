import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { UiAction } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import { RegistryError } from '../errors/registry-error.js';
import {
  parseDelete,
  parseDocumentPut,
  parseGroupPut,
  parseRevisionOnly,
  parseRevisionParam,
  parseServerScopePut,
  parseTextPut,
  parseUiScopePut,
  type ParsedScopesRequest,
} from '../services/scopes/parse-scopes-request.js';
import type { ScopesService, ScopesView } from '../services/scopes/scopes-service.js';
import { expectedRevision, revisionTag } from './if-match.js';
import { JSON_BODY_LIMIT, jsonBody } from './json-body.js';
import { loggerOf } from './request-context.js';

export const SCOPES_API_PATH = '/api/scopes';
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

export interface ScopesRouterDependencies {
  scopesEditor: ScopesService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  logger: Logger;
}

/**
 * /api/scopes: read scopes.yml (view_scopes) and edit it (modify_scopes), whole or a group, server
 * scope or UI scope at a time, with its history and rollback. Both actions count only when granted
 * with `all`. Every answer carries the revision as ETag; edits take it back in If-Match (required
 * to replace the whole file, optional otherwise) and answer 409 when it is stale.
 */
export function scopesRouter({ scopesEditor, verifier, scopes, logger }: ScopesRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes), jsonBody(), express.text({ type: YAML_TYPES, limit: JSON_BODY_LIMIT }));

  const edit = async (request: Request, response: Response, parsed: ParsedScopesRequest, revisionRequired = false): Promise<void> => {
    const caller = callerOf(response);
    const ifRevision = expectedRevision(request, parsed.revision);
    if (revisionRequired && ifRevision === undefined) {
      throw new RegistryError(
        'REGISTRY_REVISION_REQUIRED',
        428,
        'say which revision you replace: send If-Match with the ETag of GET /api/scopes, or a revision field',
      );
    }
    const view = await scopesEditor.edit(parsed.change, editRequest(caller, request, ifRevision));
    logEdit(response, view);
    sendView(request, response, view);
  };
  const logEdit = (response: Response, view: ScopesView): void => {
    loggerOf(response, logger).info({ revision: view.revision, author: view.author, action: view.action }, 'scopes.yml edited');
  };

  router.get('/', async (request, response) => {
    requireScopesAction(callerOf(response), 'view_scopes');
    sendView(request, response, await scopesEditor.current());
  });

  router.put('/', async (request, response) => {
    requireScopesAction(callerOf(response), 'modify_scopes');
    const parsed = typeof request.body === 'string' ? parseTextPut(request.body) : parseDocumentPut(request.body);
    await edit(request, response, parsed, true);
  });

  router.get('/history', async (_request, response) => {
    requireScopesAction(callerOf(response), 'view_scopes');
    const revisions = await scopesEditor.history();
    response.json({ revisions: revisions.map(({ createdAt, ...rest }) => ({ ...rest, created_at: createdAt })) });
  });

  router.get('/history/:revision', async (request, response) => {
    requireScopesAction(callerOf(response), 'view_scopes');
    sendView(request, response, await scopesEditor.revision(parseRevisionParam(String(request.params.revision))));
  });

  router.post('/rollback/:revision', async (request, response) => {
    const caller = callerOf(response);
    requireScopesAction(caller, 'modify_scopes');
    const target = parseRevisionParam(String(request.params.revision));
    const ifRevision = expectedRevision(request, parseRevisionOnly(request.body));
    const view = await scopesEditor.rollback(target, editRequest(caller, request, ifRevision));
    logEdit(response, view);
    sendView(request, response, view);
  });

  const parts = [
    ['groups', 'group', parseGroupPut],
    ['servers', 'server-scope', parseServerScopePut],
    ['ui', 'ui-scope', parseUiScopePut],
  ] as const;
  for (const [segment, kind, parsePut] of parts) {
    router.put(`/${segment}/*name`, async (request, response) => {
      requireScopesAction(callerOf(response), 'modify_scopes');
      await edit(request, response, parsePut(nameParam(request), request.body));
    });
    router.delete(`/${segment}/*name`, async (request, response) => {
      requireScopesAction(callerOf(response), 'modify_scopes');
      await edit(request, response, parseDelete(kind, nameParam(request), request.body));
    });
  }

  return router;
}

/** view_scopes and modify_scopes concern the whole file: only a grant of `all` counts. */
function requireScopesAction(caller: Caller, action: UiAction): void {
  if (caller.scopes.some((scope) => caller.policy.uiGrants.get(scope)?.get(action)?.all === true)) return;
  throw new RegistryError('REGISTRY_FORBIDDEN', 403, `you may not ${action}; ask an administrator to grant ${action}: [all] in the UI-Scopes of scopes.yml`);
}

function editRequest(caller: Caller, request: Request, ifRevision: number | undefined) {
  return {
    author: caller.identity.username,
    action: `${request.method} ${request.baseUrl}${request.path === '/' ? '' : request.path}`,
    ...(ifRevision === undefined ? {} : { ifRevision }),
  };
}

/** The view as JSON, or as the file's text for a client that asks for YAML. */
function sendView(request: Request, response: Response, view: ScopesView): void {
  response.set('ETag', revisionTag(view.revision));
  const wanted = request.accepts(['application/json', ...YAML_TYPES]);
  if (typeof wanted === 'string' && YAML_TYPES.includes(wanted)) {
    response.type('application/yaml').send(view.text);
    return;
  }
  response.json({
    revision: view.revision,
    updated_at: view.createdAt,
    updated_by: view.author,
    action: view.action,
    valid: view.valid,
    ...(view.problems === undefined ? {} : { problems: view.problems }),
    document: view.document,
  });
}

/** The name at the end of the URL; several segments are allowed (scope names such as `notes/editor`). */
function nameParam(request: Request): string {
  const raw = (request.params as Record<string, unknown>).name;
  return Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
}
