import { Router, type Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { problemsOf, RegistryError } from '../errors/registry-error.js';
import { newAgentSchema, newGroupSchema, newUserSchema, type IdpAdminService } from '../idp/idp-admin-service.js';
import { jsonBody } from './json-body.js';
import { loggerOf } from './request-context.js';

export const IDP_API_PATH = '/api/idp';

export interface IdpAdminRouterDependencies {
  /** Undefined when no identity provider's admin API is configured (KEYCLOAK_URL and admin credentials). */
  idpAdmin: IdpAdminService | undefined;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  logger: Logger;
}

/**
 * /api/idp/users, /groups, /agent-accounts: people, groups and agents' service accounts in the
 * identity provider, for callers granted manage_users: [all]. A new agent account's client secret is
 * in the creation answer only (never stored here, never logged, never shown again).
 */
export function idpAdminRouter({ idpAdmin, verifier, scopes, logger }: IdpAdminRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes), jsonBody(), (_request, response, next) => {
    const caller = callerOf(response);
    if (!caller.scopes.some((scope) => caller.policy.uiGrants.get(scope)?.get('manage_users')?.all === true)) {
      throw new RegistryError('REGISTRY_FORBIDDEN', 403, 'you may not manage users; ask an administrator to grant manage_users: [all] in the UI-Scopes of scopes.yml');
    }
    if (idpAdmin === undefined) {
      throw new RegistryError(
        'REGISTRY_IDP_NOT_CONFIGURED',
        503,
        "no identity provider admin API is configured; set KEYCLOAK_URL and KEYCLOAK_ADMIN_CLIENT_SECRET (or KEYCLOAK_ADMIN and KEYCLOAK_ADMIN_PASSWORD) on the registry",
      );
    }
    next();
  });
  const service = (): IdpAdminService => idpAdmin as IdpAdminService;
  const audit = (response: Response, action: string, target: string): void => {
    loggerOf(response, logger).info({ action, target, by: callerOf(response).identity.username }, 'identity provider changed');
  };
  const author = (response: Response): string => callerOf(response).identity.username;

  router.get('/users', async (request, response) => {
    const search = typeof request.query.search === 'string' ? request.query.search : undefined;
    response.json({ users: await service().listUsers(search) });
  });
  router.post('/users', async (request, response) => {
    const user = parseBody(newUserSchema, request.body);
    const created = await service().createUser(user);
    audit(response, 'create user', created.username);
    response.status(201).json(created);
  });
  router.delete('/users/:username', async (request, response) => {
    await service().deleteUser(request.params.username);
    audit(response, 'delete user', request.params.username);
    response.status(204).end();
  });

  router.get('/groups', async (_request, response) => {
    response.json({ groups: await service().listGroups() });
  });
  router.post('/groups', async (request, response) => {
    const group = parseBody(newGroupSchema, request.body);
    const created = await service().createGroup(group, author(response));
    audit(response, 'create group', created.name);
    response.status(201).json(created);
  });
  router.delete('/groups/:name', async (request, response) => {
    await service().deleteGroup(request.params.name, request.query.unmap === 'true', author(response));
    audit(response, 'delete group', request.params.name);
    response.status(204).end();
  });

  router.get('/agent-accounts', async (_request, response) => {
    response.json({ agents: await service().listAgentAccounts() });
  });
  router.post('/agent-accounts', async (request, response) => {
    const agent = parseBody(newAgentSchema, request.body);
    const created = await service().createAgentAccount(agent);
    audit(response, 'create agent account', created.client_id);
    response.status(201).set('cache-control', 'no-store').json(created);
  });
  router.delete('/agent-accounts/:agentId', async (request, response) => {
    await service().deleteAgentAccount(request.params.agentId);
    audit(response, 'delete agent account', request.params.agentId);
    response.status(204).end();
  });
  return router;
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = problemsOf(result.error);
  const summary = problems.map((problem) => `${problem.path || '(body)'}: ${problem.message}`).join('; ');
  throw new RegistryError('REGISTRY_IDP_INVALID', 400, `the request is invalid; fix these and retry: ${summary}`, { problems });
}
