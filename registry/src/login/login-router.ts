import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { jsonBody } from '../api/json-body.js';
import { RegistryError } from '../errors/registry-error.js';
import { createAdminLogin, LOCAL_PROVIDER } from './admin-login.js';
import type { LoginSettings } from './login-settings.js';
import type { OidcLoginClients } from './oidc-login-clients.js';
import { createOidcLoginFlow } from './oidc-login-flow.js';
import { activeSessionOf } from './session-caller.js';
import { csrfTokenMatches, type ActiveSession, type SessionManager } from './session-manager.js';

export const LOGIN_BASE_PATH = '/oauth2';

export interface LoginRouterDependencies {
  loginClients: OidcLoginClients;
  sessions: SessionManager;
  loginSettings: LoginSettings;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  logger: Logger;
}

/**
 * People's login to the registry: GET /oauth2/providers, GET /oauth2/login/{provider} and
 * /oauth2/callback/{provider} (authorisation code with PKCE), POST /oauth2/login (the local
 * administrator), GET /oauth2/session, POST /oauth2/logout; and DELETE /api/sessions?user=NAME for
 * administrators (modify_scopes on all) to end every session of a person.
 */
export function loginRouter(dependencies: LoginRouterDependencies): Router {
  const { loginClients, sessions, loginSettings, logger } = dependencies;
  const router = Router();
  const flow = createOidcLoginFlow(loginClients, sessions, loginSettings, dependencies.verifier, logger);
  const adminLogin = createAdminLogin(loginSettings, sessions, logger);
  const forms = express.urlencoded({ extended: false, limit: '16kb' });

  router.get(`${LOGIN_BASE_PATH}/providers`, (_request, response) => {
    const providers = [...loginClients.providers.values()].map((provider) => ({
      name: provider.name,
      display_name: provider.displayName,
      login_url: `${LOGIN_BASE_PATH}/login/${encodeURIComponent(provider.name)}`,
    }));
    response.json({ providers, local_login: loginSettings.admin !== undefined });
  });
  router.get(`${LOGIN_BASE_PATH}/login/:provider`, (request, response) => flow.begin(request, response, String(request.params.provider)));
  router.get(`${LOGIN_BASE_PATH}/callback/:provider`, (request, response) => flow.complete(request, response, String(request.params.provider)));

  router.post(`${LOGIN_BASE_PATH}/login`, jsonBody(), forms, async (request, response) => {
    const session = await adminLogin(request, response);
    if (request.is('application/json')) response.json(sessionView(session, dependencies));
    else response.redirect(303, '/');
  });

  router.get(`${LOGIN_BASE_PATH}/session`, (_request, response) => {
    const session = activeSessionOf(response);
    if (session === undefined) throw new RegistryError('REGISTRY_SESSION_INVALID', 401, 'not logged in; log in at /oauth2/login/{provider} or POST /oauth2/login');
    response.set('Cache-Control', 'no-store').json(sessionView(session, dependencies));
  });

  router.post(`${LOGIN_BASE_PATH}/logout`, forms, async (request: Request, response: Response) => {
    const session = activeSessionOf(response);
    const sent = request.get('x-csrf-token') ?? (typeof request.body?.csrf_token === 'string' ? (request.body.csrf_token as string) : undefined);
    if (session !== undefined && !csrfTokenMatches(session, sent)) {
      throw new RegistryError('REGISTRY_CSRF_TOKEN_INVALID', 403, 'send the session\'s CSRF token in X-CSRF-Token or the csrf_token form field to log out');
    }
    const ended = await sessions.end(request, response);
    if (ended !== undefined) logger.info({ event: 'logout', provider: ended.provider, user: ended.identity.user }, 'logged out');
    const provider = ended === undefined || ended.provider === LOCAL_PROVIDER ? undefined : loginClients.providers.get(ended.provider);
    const location = provider?.login.logoutUrl ?? '/';
    if (request.is('application/x-www-form-urlencoded')) response.redirect(303, location);
    else response.json({ logged_out: ended !== undefined, logout_url: location });
  });

  router.delete('/api/sessions', authenticateCaller(dependencies.verifier, dependencies.scopes), async (request, response) => {
    const caller = callerOf(response);
    const user = typeof request.query.user === 'string' ? request.query.user : '';
    if (user === '') throw new RegistryError('REGISTRY_INVALID_QUERY', 400, 'name the person whose sessions end: DELETE /api/sessions?user=NAME');
    const mayRevokeAnyone = caller.scopes.some((scope) => caller.policy.uiGrants.get(scope)?.get('modify_scopes')?.all === true);
    if (user !== caller.identity.user && !mayRevokeAnyone) {
      throw new RegistryError('REGISTRY_FORBIDDEN', 403, 'you may end only your own sessions; ending another person\'s needs modify_scopes: [all]');
    }
    const revoked = await sessions.revokeUser(user);
    logger.info({ event: 'sessions.revoked', user, revoked, by: caller.identity.user }, 'sessions revoked');
    response.json({ user, revoked });
  });
  return router;
}

function sessionView(session: ActiveSession, { scopes }: Pick<LoginRouterDependencies, 'scopes'>) {
  const { identity } = session.record;
  return {
    user: identity.user,
    username: identity.username,
    groups: identity.groups,
    scopes: resolveScopes(scopes.policy, identity.groups, identity.tokenScopes),
    provider: session.record.provider,
    expires_at: session.record.expiresAt,
    csrf_token: session.csrfToken,
  };
}
