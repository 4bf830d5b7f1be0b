import { Router } from 'express';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { issueToken, parseTtl } from '@mcpgw/lib/tokens/issue-token.js';
import type { SigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import type { TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { jsonBody } from '../api/json-body.js';
import { loggerOf } from '../api/request-context.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { createWindowLimiter } from '../auth/window-limiter.js';
import { problemsOf, RegistryError } from '../errors/registry-error.js';
import type { TokenVendingSettings } from './token-vending-settings.js';

export const TOKENS_API_PATH = '/api/tokens';
export const VENDED_TOKEN_CLIENT_ID = 'registry-token-vending';

export interface TokensRouterDependencies {
  verifier: TokenVerifier;
  scopes: ScopesSource;
  signingKey: SigningKey;
  tokenSettings: TokenSettings;
  tokenVending: TokenVendingSettings;
  logger: Logger;
}

const tokenRequestSchema = z.strictObject({
  /** Seconds, or a duration such as `15m`. */
  ttl: z.union([z.number().int().positive(), z.string()]).optional(),
  /** A subset of the caller's scopes; the token then carries exactly these, and no groups. */
  scopes: z.array(z.string().trim().min(1)).optional(),
});

/**
 * POST /api/tokens: a caller already authenticated (a token, an API key or a login session with its
 * CSRF token) gets a short-lived registry token for itself: its own groups and scopes, or a subset of
 * its scopes, never more, and never outliving the credential it was asked with. Rate limited per
 * person; every mint is logged, without the token.
 */
export function tokensRouter(dependencies: TokensRouterDependencies): Router {
  const { tokenVending: settings } = dependencies;
  const router = Router();
  const limiter = createWindowLimiter(settings.perUserPerMinute, 60_000);
  router.use(authenticateCaller(dependencies.verifier, dependencies.scopes), jsonBody());

  router.post('/', async (request, response) => {
    const caller = callerOf(response);
    const { identity } = caller;
    const parsed = tokenRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problems = problemsOf(parsed.error);
      throw new RegistryError('REGISTRY_INVALID_TOKEN_REQUEST', 400, `send {"ttl"?: "15m", "scopes"?: [...]}: ${problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ')}`, { problems });
    }
    const requested = parsed.data;
    const held = new Set(caller.scopes);
    const missing = (requested.scopes ?? []).filter((scope) => !held.has(scope));
    if (missing.length > 0) {
      throw new RegistryError('REGISTRY_TOKEN_SCOPE_NOT_HELD', 403, `you do not hold ${missing.join(', ')}; a token carries only scopes you have (${caller.scopes.join(', ') || 'none'})`);
    }

    const wait = limiter.blockedFor(identity.user);
    if (wait > 0) {
      response.set('Retry-After', String(wait));
      throw new RegistryError('REGISTRY_TOKEN_RATE_LIMITED', 429, `at most ${settings.perUserPerMinute} tokens a minute; try again in ${wait} seconds`);
    }

    const now = Math.floor(Date.now() / 1000);
    const ttl = lifetimeOf(requested.ttl, settings, identity.expiresAt === 0 ? undefined : identity.expiresAt - now);
    const grant = requested.scopes === undefined
      ? { groups: identity.groups, scopes: identity.tokenScopes.filter((scope) => held.has(scope)) }
      : { groups: [], scopes: [...new Set(requested.scopes)] };
    limiter.record(identity.user);
    const token = await issueToken(dependencies.signingKey, dependencies.tokenSettings, {
      user: identity.user,
      username: identity.username,
      ...grant,
      clientId: VENDED_TOKEN_CLIENT_ID,
      ttlSeconds: ttl,
      now,
    });
    const { jti } = decodeJwt(token);
    loggerOf(response, dependencies.logger).info(
      { event: 'token.vended', user: identity.user, authMethod: identity.authMethod, groups: grant.groups, scopes: grant.scopes, jti, expiresAt: now + ttl },
      'token vended',
    );
    response.set('Cache-Control', 'no-store').json({
      access_token: token,
      token_type: 'Bearer',
      expires_in: ttl,
      groups: grant.groups,
      scope: grant.scopes.join(' '),
    });
  });
  return router;
}

/** The lifetime asked for (default the configured one), at most the maximum and what the caller's own credential has left. */
function lifetimeOf(asked: number | string | undefined, settings: TokenVendingSettings, remaining: number | undefined): number {
  let seconds: number;
  try {
    seconds = asked === undefined ? settings.defaultTtlSeconds : typeof asked === 'number' ? asked : parseTtl(asked);
  } catch (error) {
    throw new RegistryError('REGISTRY_INVALID_TOKEN_REQUEST', 400, (error as Error).message);
  }
  if (seconds < 1) throw new RegistryError('REGISTRY_INVALID_TOKEN_REQUEST', 400, 'ttl must be at least one second');
  const limit = Math.min(settings.maxTtlSeconds, remaining ?? Number.POSITIVE_INFINITY);
  if (limit < 1) throw new RegistryError('REGISTRY_INVALID_TOKEN_REQUEST', 400, 'the credential you called with is about to expire; get a new one first');
  return Math.min(seconds, limit);
}
