import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import * as oidc from 'openid-client';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { providerIdentity } from '@mcpgw/lib/providers/provider-identity.js';
import type { ProviderSettings } from '@mcpgw/lib/providers/provider-settings.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { open, seal } from '../credentials/seal.js';
import { RegistryError } from '../errors/registry-error.js';
import { clearCookie, cookieOptions, readCookie } from './cookies.js';
import type { LoginSettings } from './login-settings.js';
import { DEFAULT_LOGIN_SCOPES, type OidcLoginClients } from './oidc-login-clients.js';
import { registryOrigin } from './request-origin.js';
import type { SessionManager } from './session-manager.js';

export const LOGIN_STATE_COOKIE = 'mcpgw_login';
export const CALLBACK_PATH = '/oauth2/callback';
const LOGIN_STATE_MAX_AGE_MS = 10 * 60 * 1000;

interface LoginState {
  provider: string;
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  startedAt: number;
}

export interface OidcLoginFlow {
  /** GET /oauth2/login/{provider}: remembers PKCE, state and nonce in a sealed cookie and redirects to the provider. */
  begin(request: Request, response: Response, providerName: string): Promise<void>;
  /** GET /oauth2/callback/{provider}: checks the answer, exchanges the code, starts the session, redirects. */
  complete(request: Request, response: Response, providerName: string): Promise<void>;
}

/**
 * The authorisation code flow with PKCE (S256), state and nonce, through openid-client. The person's
 * identity comes from the verified ID token, read as the provider's tokens are (groups claim, realm
 * roles...), plus the groups of the access token when it is a token this registry accepts.
 */
export function createOidcLoginFlow(clients: OidcLoginClients, sessions: SessionManager, settings: LoginSettings, verifier: TokenVerifier, logger: Logger): OidcLoginFlow {
  const stateKey = createHmac('sha256', settings.sessionSecret).update('login-state').digest();
  const providerOf = (name: string): ProviderSettings => {
    const provider = clients.providers.get(name);
    if (provider === undefined) {
      const known = [...clients.providers.keys()];
      throw new RegistryError('REGISTRY_NOT_FOUND', 404, `no login provider ${JSON.stringify(name)}; known: ${known.length === 0 ? 'none' : known.join(', ')}`);
    }
    return provider;
  };
  const configurationOf = async (provider: ProviderSettings): Promise<oidc.Configuration> => {
    try {
      return await clients.configuration(provider);
    } catch (cause) {
      throw new RegistryError('REGISTRY_LOGIN_UNAVAILABLE', 503, `the identity provider ${provider.name} cannot be reached; try again later`, { cause });
    }
  };
  const redirectUri = (request: Request, provider: ProviderSettings): string =>
    `${registryOrigin(request, settings)}${CALLBACK_PATH}/${encodeURIComponent(provider.name)}`;

  return {
    async begin(request, response, providerName) {
      const provider = providerOf(providerName);
      const configuration = await configurationOf(provider);
      const state: LoginState = {
        provider: provider.name,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        next: safeNext(request.query.next),
        startedAt: Date.now(),
      };
      const scopes = new Set([...DEFAULT_LOGIN_SCOPES, ...provider.scopes]);
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri(request, provider),
        scope: [...scopes].join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(state.verifier),
        code_challenge_method: 'S256',
        state: state.state,
        nonce: state.nonce,
      });
      response.cookie(
        LOGIN_STATE_COOKIE,
        seal(stateKey, JSON.stringify(state), LOGIN_STATE_COOKIE),
        cookieOptions(request, settings, { path: CALLBACK_PATH, maxAge: LOGIN_STATE_MAX_AGE_MS }),
      );
      response.redirect(302, url.href);
    },

    async complete(request, response, providerName) {
      const provider = providerOf(providerName);
      const state = readState(request, stateKey, provider.name);
      clearCookie(request, response, settings, LOGIN_STATE_COOKIE, CALLBACK_PATH);
      const configuration = await configurationOf(provider);
      const query = request.originalUrl.indexOf('?');
      const current = new URL(`${redirectUri(request, provider)}${query === -1 ? '' : request.originalUrl.slice(query)}`);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: state.verifier,
          expectedState: state.state,
          expectedNonce: state.nonce,
          idTokenExpected: true,
        });
      } catch (cause) {
        logger.info({ provider: provider.name, err: cause }, 'login refused by the identity provider or its answer failed the checks');
        throw new RegistryError('REGISTRY_LOGIN_FAILED', 401, `the login with ${provider.name} did not succeed (${errorText(cause)}); start again`, { cause });
      }
      const identity = providerIdentity(tokens.claims() ?? {}, provider);
      // The access token's groups count only when it is this provider's token for the same person.
      const accessGroups = await verifier
        .verify(tokens.access_token)
        .then((verified) => (verified.authMethod === provider.name && verified.user === identity.user ? verified.groups : []))
        .catch(() => []);
      const groups = [...new Set([...identity.groups, ...accessGroups])];
      const session = await sessions.start(request, response, { ...identity, groups }, provider.name);
      logger.info({ event: 'login', provider: provider.name, user: identity.user, groups, expiresAt: session.record.expiresAt }, 'logged in');
      response.redirect(303, state.next);
    },
  };
}

function readState(request: Request, key: Buffer, provider: string): LoginState {
  const invalid = (why: string) => new RegistryError('REGISTRY_LOGIN_STATE_INVALID', 400, `${why}; start the login again at /oauth2/login/${provider}`);
  const cookie = readCookie(request, LOGIN_STATE_COOKIE);
  if (cookie === undefined) throw invalid('this browser did not start a login here (no login cookie)');
  let state: LoginState;
  try {
    state = JSON.parse(open(key, cookie, LOGIN_STATE_COOKIE)) as LoginState;
  } catch {
    throw invalid('the login cookie was changed or is not this registry\'s');
  }
  if (state.provider !== provider) throw invalid(`the login was started with ${state.provider}, not ${provider}`);
  if (Date.now() - state.startedAt > LOGIN_STATE_MAX_AGE_MS) throw invalid('the login took longer than ten minutes');
  return state;
}

/** Only a path on this registry: never another origin (`//evil`, `/\\evil`, `https://...`). */
function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

function errorText(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
