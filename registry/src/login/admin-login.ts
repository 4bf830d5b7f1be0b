import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { createWindowLimiter } from '../auth/window-limiter.js';
import { RegistryError } from '../errors/registry-error.js';
import { hashPasswordAsync, type LoginSettings } from './login-settings.js';
import { clientAddress } from './request-origin.js';
import type { ActiveSession, SessionManager } from './session-manager.js';

export const LOCAL_PROVIDER = 'local';

/**
 * The local administrator login (ADMIN_USER / ADMIN_PASSWORD) for installs without an identity
 * provider. The password is compared as a salted scrypt hash in constant time; failed attempts are
 * counted per client address and per user name, and either reaching the limit answers 429.
 */
export function createAdminLogin(settings: LoginSettings, sessions: SessionManager, logger: Logger) {
  const limiter = createWindowLimiter(settings.maxFailures, settings.failureWindowMs);
  const userKey = createHmac('sha256', settings.sessionSecret).update('admin-user').digest();
  const digestOf = (name: string) => createHmac('sha256', userKey).update(name.normalize('NFC')).digest();

  return async function login(request: Request, response: Response): Promise<ActiveSession> {
    const admin = settings.admin;
    if (admin === undefined) {
      throw new RegistryError('REGISTRY_LOGIN_UNAVAILABLE', 404, 'the local administrator login is off; set ADMIN_USER and ADMIN_PASSWORD to turn it on');
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const keys = [`address:${clientAddress(request, settings)}`, `user:${username.toLowerCase()}`];
    const wait = Math.max(...keys.map((key) => limiter.blockedFor(key)));
    if (wait > 0) {
      response.set('Retry-After', String(wait));
      throw new RegistryError('REGISTRY_LOGIN_RATE_LIMITED', 429, `too many failed logins; try again in ${wait} seconds`);
    }
    const userMatches = timingSafeEqual(digestOf(username), digestOf(admin.user));
    const passwordMatches = timingSafeEqual(await hashPasswordAsync(password, admin.salt), admin.passwordHash);
    if (!userMatches || !passwordMatches) {
      for (const key of keys) limiter.record(key);
      logger.info({ event: 'login.failed', provider: LOCAL_PROVIDER, address: clientAddress(request, settings) }, 'local login refused');
      throw new RegistryError('REGISTRY_LOGIN_FAILED', 401, 'the user name or password is wrong');
    }
    for (const key of keys) limiter.reset(key);
    const session = await sessions.start(
      request,
      response,
      { user: admin.user, username: admin.user, clientId: 'registry-login', groups: [...admin.groups], tokenScopes: [] },
      LOCAL_PROVIDER,
    );
    logger.info({ event: 'login', provider: LOCAL_PROVIDER, user: admin.user, expiresAt: session.record.expiresAt }, 'logged in');
    return session;
  };
}
