import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import { RegistryError } from '../errors/registry-error.js';
import type { SessionRepository, StoredSession } from '../store/session-repository.js';
import { clearCookie, cookieOptions, readCookie } from './cookies.js';
import type { LoginSettings } from './login-settings.js';

export const SESSION_COOKIE = 'mcpgw_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_AUTH_METHOD_PREFIX = 'session:';

/** A live session of this request's cookie. */
export interface ActiveSession {
  record: StoredSession;
  /** What a state-changing request authenticated by this session must send in X-CSRF-Token. */
  csrfToken: string;
}

/** The cookie named a session, or failed to: why, as the error to answer when the cookie is relied on. */
export type SessionOutcome = { session: ActiveSession } | { problem: RegistryError };

export interface SessionManager {
  /** Records a session for `identity` and sets its cookie; returns it. */
  start(request: Request, response: Response, identity: Omit<Identity, 'authMethod' | 'expiresAt'>, provider: string): Promise<ActiveSession>;
  /** The session the request's cookie names; undefined when it sends no session cookie. */
  resolve(request: Request): Promise<SessionOutcome | undefined>;
  /** Revokes the request's session, if any, and clears the cookie. */
  end(request: Request, response: Response): Promise<StoredSession | undefined>;
  revokeUser(user: string): Promise<number>;
}

/**
 * Sessions: a random id in a signed cookie, a record (keyed by the id's hash) in the registry
 * database, so that a session expires, can be revoked on every replica, and a leaked table gives
 * no usable cookie.
 */
export function createSessionManager(repository: SessionRepository, settings: LoginSettings, clock: () => Date = () => new Date()): SessionManager {
  const mac = (purpose: string, value: string): string =>
    createHmac('sha256', settings.sessionSecret).update(`${purpose}.${value}`).digest('base64url');
  const recordIdOf = (sessionId: string): string => createHash('sha256').update(sessionId).digest('hex');
  const invalid = (message: string) => new RegistryError('REGISTRY_SESSION_INVALID', 401, `${message}; log in again`);

  const sessionIdOf = (request: Request): string | undefined | null => {
    const cookie = readCookie(request, SESSION_COOKIE);
    if (cookie === undefined) return undefined;
    const [sessionId, signature, extra] = cookie.split('.');
    if (sessionId === undefined || signature === undefined || extra !== undefined) return null;
    const expected = Buffer.from(mac('session', sessionId));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? sessionId : null;
  };

  return {
    async start(request, response, identity, provider) {
      const now = clock();
      const sessionId = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + settings.sessionMaxAgeSeconds * 1000);
      const record: StoredSession = {
        id: recordIdOf(sessionId),
        identity: { ...identity, authMethod: `${SESSION_AUTH_METHOD_PREFIX}${provider}`, expiresAt: Math.floor(expiresAt.getTime() / 1000) },
        provider,
        createdAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      };
      // A new login replaces the browser's previous session rather than leaving it alive beside it.
      const previous = sessionIdOf(request);
      if (previous) await repository.revoke(recordIdOf(previous));
      await repository.deleteExpired(now);
      await repository.create(record);
      response.cookie(SESSION_COOKIE, `${sessionId}.${mac('session', sessionId)}`, cookieOptions(request, settings, { maxAge: settings.sessionMaxAgeSeconds * 1000 }));
      return { record, csrfToken: mac('csrf', sessionId) };
    },

    async resolve(request) {
      const sessionId = sessionIdOf(request);
      if (sessionId === undefined) return undefined;
      if (sessionId === null) return { problem: invalid('the session cookie is not one this registry signed') };
      const record = await repository.get(recordIdOf(sessionId));
      if (record === undefined) return { problem: invalid('the session has ended or was revoked') };
      if (Date.parse(record.expiresAt) <= clock().getTime()) {
        return { problem: new RegistryError('REGISTRY_SESSION_EXPIRED', 401, 'the session has expired; log in again') };
      }
      return { session: { record, csrfToken: mac('csrf', sessionId) } };
    },

    async end(request, response) {
      const sessionId = sessionIdOf(request);
      clearCookie(request, response, settings, SESSION_COOKIE);
      if (sessionId === undefined || sessionId === null) return undefined;
      const record = await repository.get(recordIdOf(sessionId));
      await repository.revoke(recordIdOf(sessionId));
      return record;
    },

    revokeUser: (user) => repository.revokeUser(user),
  };
}

/** Whether a CSRF token sent with a request is the session's, in constant time. */
export function csrfTokenMatches(session: ActiveSession, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
