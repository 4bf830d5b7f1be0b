import type { Request, Response, CookieOptions } from 'express';
import { isSecureRequest } from './request-origin.js';
import type { LoginSettings } from './login-settings.js';

/** The value of one cookie of the request, undefined when absent or unreadable. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.get('cookie');
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1 || part.slice(0, index).trim() !== name) continue;
    const raw = part.slice(index + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax, and Secure when the request came over TLS (or SESSION_COOKIE_SECURE says so). */
export function cookieOptions(request: Request, settings: LoginSettings, extra: CookieOptions = {}): CookieOptions {
  const secure = settings.cookieSecure === 'auto' ? isSecureRequest(request, settings) : settings.cookieSecure;
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', ...extra };
}

export function clearCookie(request: Request, response: Response, settings: LoginSettings, name: string, path = '/'): void {
  const { maxAge: _maxAge, ...options } = cookieOptions(request, settings, { path });
  response.clearCookie(name, options);
}
