import type { RequestHandler } from 'express';

/**
 * Scripts and styles only from the registry itself: no inline script, no eval, no third-party
 * origin, no framing, forms posting only back to the registry.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The headers of every web UI answer. */
export function uiSecurityHeaders(): RequestHandler {
  return (_request, response, next) => {
    response.set({
      'Content-Security-Policy': UI_CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    next();
  };
}
