import type { Route, RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { tryCanonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { isReservedServerPath } from '@mcpgw/lib/paths/reserved-paths.js';
import { isBlockedUpstreamHost, linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import { credentialHeaderNameProblem, isHeaderValue } from '@mcpgw/lib/routes/upstream-credential-headers.js';
import { normaliseHeaderName } from '@mcpgw/lib/check/check-contract.js';

/** A route ready for the hot path: its upstream parsed once. */
export interface CompiledRoute {
  /** The canonical registered path, e.g. `/currenttime`. */
  path: string;
  serverName: string;
  enabled: boolean;
  upstream: UpstreamTarget;
  /** The route's own limit for the upstream's response headers; undefined means the gateway's default. */
  timeoutMs: number | undefined;
  /** The upstream credential: headers (normalised names) set on every request to this upstream. */
  credential: ReadonlyArray<readonly [string, string]>;
}

export interface UpstreamTarget {
  /** `http://host:port`, no path. */
  origin: string;
  protocol: 'http:' | 'https:';
  /** `host[:port]`, as the upstream expects it in the Host header. */
  host: string;
  /** The path of proxy_pass_url (`/` when it has none). */
  basePath: string;
  /** The query of proxy_pass_url without `?`, usually empty. */
  query: string;
}

export interface RouteMatch {
  route: CompiledRoute;
  /** What follows the registered path in the request path: empty or starting with `/`. */
  rest: string;
}

export interface RouteMatcher {
  readonly version: string;
  readonly size: number;
  match(pathname: string): RouteMatch | undefined;
}

export interface SkippedRoute {
  route: Route;
  reason: string;
}

/**
 * Compiles a route table into a matcher: `/<path>` and `/<path>/…` match route `<path>`, the longest
 * registered path wins, and `/<path>x` never matches. Entries that cannot be served are skipped and
 * reported to `onSkipped`.
 */
export function compileRoutes(
  table: RouteTable,
  onSkipped: (skipped: SkippedRoute) => void = () => {},
  allowLinkLocalUpstreams: boolean = linkLocalUpstreamsAllowed(),
): RouteMatcher {
  const byPath = new Map<string, CompiledRoute>();
  let maxDepth = 0;
  for (const route of table.routes) {
    const path = tryCanonicalServerPath(route.path);
    if (path === undefined) {
      onSkipped({ route, reason: 'the path is not a canonical server path' });
      continue;
    }
    if (isReservedServerPath(path)) {
      onSkipped({ route, reason: 'the path starts with a segment the gateway answers itself' });
      continue;
    }
    const upstream = parseUpstream(route.proxyPassUrl);
    if (typeof upstream === 'string') {
      onSkipped({ route, reason: upstream });
      continue;
    }
    if (!allowLinkLocalUpstreams && isBlockedUpstreamHost(new URL(route.proxyPassUrl).hostname)) {
      onSkipped({ route, reason: 'the upstream is a link-local or cloud metadata address; set UPSTREAM_ALLOW_LINK_LOCAL=true to allow it' });
      continue;
    }
    if (byPath.has(path)) {
      onSkipped({ route, reason: `another route already serves ${path}` });
      continue;
    }
    const credential = Object.entries(route.upstreamHeaders ?? {}).map(([name, value]) => [normaliseHeaderName(name), value] as const);
    const badHeader = credential.find(([name, value]) => credentialHeaderNameProblem(name) !== undefined || !isHeaderValue(value));
    if (badHeader !== undefined) {
      onSkipped({ route, reason: `the upstream credential sets the header ${badHeader[0]}, which the gateway does not send` });
      continue;
    }
    const timeoutMs = route.timeoutSeconds == null ? undefined : route.timeoutSeconds * 1000;
    byPath.set(path, { path, serverName: route.serverName, enabled: route.enabled, upstream, timeoutMs, credential });
    maxDepth = Math.max(maxDepth, path.split('/').length - 1);
  }

  return {
    version: table.version,
    size: byPath.size,
    match(pathname: string): RouteMatch | undefined {
      const ends = segmentEnds(pathname, maxDepth);
      for (let index = ends.length - 1; index >= 0; index -= 1) {
        const end = ends[index] as number;
        const route = byPath.get(pathname.slice(0, end));
        if (route) return { route, rest: pathname.slice(end) };
      }
      return undefined;
    },
  };
}

/** The end offsets of the first `maxDepth` segments of a path: `/a/b/c` gives 2, 4, 6. */
function segmentEnds(pathname: string, maxDepth: number): number[] {
  const ends: number[] = [];
  let position = 0;
  while (ends.length < maxDepth && position < pathname.length) {
    const next = pathname.indexOf('/', position + 1);
    const end = next === -1 ? pathname.length : next;
    if (end === position + 1) break;
    ends.push(end);
    position = end;
  }
  return ends;
}

function parseUpstream(proxyPassUrl: string): UpstreamTarget | string {
  let url: URL;
  try {
    url = new URL(proxyPassUrl);
  } catch {
    return 'proxy_pass_url is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'proxy_pass_url must be http or https';
  if (url.username !== '' || url.password !== '') return 'proxy_pass_url must not carry credentials';
  return {
    origin: url.origin,
    protocol: url.protocol,
    host: url.host,
    basePath: url.pathname === '' ? '/' : url.pathname,
    query: url.search.replace(/^\?/, ''),
  };
}
