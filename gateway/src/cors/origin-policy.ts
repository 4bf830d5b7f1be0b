import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import { schemeOf } from '../headers/scheme-of.js';

/** Request headers a browser client may send cross-origin. */
export const CORS_ALLOWED_HEADERS = 'Authorization, X-Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID';
/** Response headers a browser client may read. */
export const CORS_EXPOSED_HEADERS = 'Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, X-Request-Id';
export const CORS_ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

export interface OriginPolicy {
  /**
   * The CORS headers to answer an allowed cross-origin request with; undefined for a request without
   * Origin (a non-browser client) or from the gateway's own origin. Throws GW_ORIGIN_FORBIDDEN (403)
   * for any other origin.
   */
  check(req: IncomingMessage): Record<string, string> | undefined;
}

/**
 * Compiles GATEWAY_ALLOWED_ORIGINS: exact origins (`https://app.example.com`), or `*` for any.
 * Requests without an Origin header and same-origin requests are always allowed; any other origin
 * is refused unless listed. Allowed cross-origin requests get the CORS headers to answer with.
 */
export function compileOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const any = allowedOrigins.includes('*');
  const listed = new Set(allowedOrigins.filter((origin) => origin !== '*').map(normaliseOrigin));
  return {
    check(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return undefined;
      const normalised = normaliseOrigin(origin);
      if (normalised === ownOrigin(req)) return undefined;
      if (!any && !listed.has(normalised)) {
        throw new GatewayError('GW_ORIGIN_FORBIDDEN', 'requests from this Origin are not allowed; an administrator can add it to GATEWAY_ALLOWED_ORIGINS', {
          data: { origin },
        });
      }
      return { 'access-control-allow-origin': origin, 'access-control-expose-headers': CORS_EXPOSED_HEADERS, vary: 'Origin' };
    },
  };
}

/** `scheme://host[:port]` in lower case without a default port; `null` and unparsable values as sent. */
function normaliseOrigin(origin: string): string {
  try {
    const url = new URL(origin.trim());
    return url.origin === 'null' ? origin.trim() : url.origin;
  } catch {
    return origin.trim();
  }
}

function ownOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined || host === '') return undefined;
  return normaliseOrigin(`${schemeOf(req)}://${host}`);
}
