import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE_SECONDS, type OriginPolicy } from './origin-policy.js';

/**
 * Answers a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) itself, without
 * an auth check, since a preflight carries no credentials: 204 with the methods and headers an MCP
 * client needs when the origin is allowed. Returns false for any other request; throws
 * GW_ORIGIN_FORBIDDEN for a refused origin.
 */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, policy: OriginPolicy): boolean {
  if (req.method !== 'OPTIONS' || req.headers.origin === undefined || req.headers['access-control-request-method'] === undefined) return false;
  const cors = policy.check(req);
  res.writeHead(204, {
    ...cors,
    'access-control-allow-origin': req.headers.origin,
    'access-control-allow-methods': CORS_ALLOWED_METHODS,
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
    vary: 'Origin',
  });
  res.end();
  return true;
}
