import type { Request, RequestHandler, Response } from 'express';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import { RegistryError } from '../errors/registry-error.js';
import { CSRF_HEADER, csrfTokenMatches, type ActiveSession, type SessionManager, type SessionOutcome } from './session-manager.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads the session cookie of every request that sends no bearer token, for sessionIdentity. */
export function sessionContext(sessions: SessionManager): RequestHandler {
  return async (request, response, next) => {
    if (!sendsBearer(request)) {
      const outcome = await sessions.resolve(request);
      if (outcome !== undefined) response.locals.session = outcome;
    }
    next();
  };
}

/**
 * The identity of the request's login session, when it has one and sends no bearer token (a token
 * always wins). Throws when the cookie names no live session, and, on a state-changing request, when
 * X-CSRF-Token is not the session's.
 */
export function sessionIdentity(request: Request, response: Response): Identity | undefined {
  if (sendsBearer(request)) return undefined;
  const outcome = response.locals.session as SessionOutcome | undefined;
  if (outcome === undefined) return undefined;
  if ('problem' in outcome) throw outcome.problem;
  if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(outcome.session, request.get(CSRF_HEADER))) {
    throw new RegistryError(
      'REGISTRY_CSRF_TOKEN_INVALID',
      403,
      `a request authenticated by the session cookie must send the session's CSRF token in ${CSRF_HEADER} (GET /oauth2/session gives it)`,
    );
  }
  return outcome.session.record.identity;
}

/** The live session of the request, if its cookie names one (no CSRF check: for reading only). */
export function activeSessionOf(response: Response): ActiveSession | undefined {
  const outcome = response.locals.session as SessionOutcome | undefined;
  return outcome !== undefined && 'session' in outcome ? outcome.session : undefined;
}

function sendsBearer(request: Request): boolean {
  return request.get('authorization') !== undefined || request.get('x-authorization') !== undefined;
}
