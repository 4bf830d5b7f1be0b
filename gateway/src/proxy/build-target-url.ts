import type { UpstreamTarget } from '../routes/compile-routes.js';

/**
 * The upstream URL of a request, as nginx's `proxy_pass` with a URI builds it: the registered path is
 * replaced by the upstream's path. `/currenttime/mcp?x=1` to `http://h:1/` gives `http://h:1/mcp?x=1`,
 * to `http://h:1/base` gives `http://h:1/base/mcp?x=1`.
 */
export function buildTargetUrl(upstream: UpstreamTarget, rest: string, query: string): string {
  const path = rest === '' ? upstream.basePath : `${upstream.basePath.replace(/\/+$/, '')}${rest}`;
  const fullQuery = upstream.query === '' ? query : query === '' ? upstream.query : `${upstream.query}&${query}`;
  return `${upstream.origin}${path === '' ? '/' : path}${fullQuery === '' ? '' : `?${fullQuery}`}`;
}
