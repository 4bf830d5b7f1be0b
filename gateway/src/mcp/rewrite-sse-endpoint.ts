import type { SseDataRewrite } from './sse-data-transform.js';

export interface EndpointContext {
  /** The registered path the stream was opened through, e.g. `/currenttime`. */
  routePath: string;
  /** The upstream URL the stream was opened at. */
  targetUrl: string;
  /** The path of the route's proxy_pass_url. */
  basePath: string;
}

/**
 * For the legacy SSE transport: the `endpoint` event names where the client posts its messages, as
 * the upstream sees it. Rewritten to the gateway's path (`/messages?session_id=1` becomes
 * `/currenttime/messages?session_id=1`) so the client posts back through the same route. Endpoints
 * on another origin or outside the route's upstream path are left alone.
 */
export function rewriteSseEndpoint(context: EndpointContext): SseDataRewrite {
  const target = new URL(context.targetUrl);
  const base = context.basePath.replace(/\/+$/, '');
  return (data, event) => {
    if (event !== 'endpoint') return undefined;
    let endpoint: URL;
    try {
      endpoint = new URL(data.trim(), target);
    } catch {
      return undefined;
    }
    if (endpoint.origin !== target.origin) return undefined;
    if (endpoint.pathname !== base && !endpoint.pathname.startsWith(`${base}/`)) return undefined;
    const rest = endpoint.pathname.slice(base.length);
    return `${context.routePath}${rest}${endpoint.search}`;
  };
}
