import { api, ApiError, setCsrfToken } from './api-client.js';
import type { Me } from './types.js';

interface SessionAnswer {
  csrf_token: string;
}

let withSession = false;

/** Whether the browser is signed in with a login session (rather than sending a token of its own). */
export function hasSession(): boolean {
  return withSession;
}

/**
 * Who is signed in: GET /api/me, and the login session's CSRF token (GET /oauth2/session) when the
 * browser signed in with a session cookie. Undefined when nobody is signed in.
 */
export async function loadSignedIn(): Promise<Me | undefined> {
  let me: Me;
  try {
    me = (await api<Me>('GET', '/api/me')).body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
  try {
    setCsrfToken((await api<SessionAnswer>('GET', '/oauth2/session')).body.csrf_token);
    withSession = true;
  } catch {
    // signed in with a bearer token rather than a session: no CSRF token to send
    setCsrfToken(undefined);
    withSession = false;
  }
  return me;
}

/** Ends the login session; answers where to go next (the identity provider's logout, or the sign-in page). */
export async function signOut(): Promise<string | undefined> {
  const answer = await api<{ logout_url?: string }>('POST', '/oauth2/logout', { json: {} });
  setCsrfToken(undefined);
  withSession = false;
  return answer.body.logout_url;
}
