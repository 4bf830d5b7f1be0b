import type { Route, RouteTable } from '@mcpgw/lib/routes/route-table.js';
import type { VirtualServer } from '@mcpgw/lib/virtual/virtual-server-schema.js';
import type { ServerRateLimit } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
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
  /** Where requests are balanced: the route's proxyPassUrls, or `upstream` alone. */
  replicas: readonly UpstreamTarget[];
  /** The server's rate limits from the registry. */
  rateLimit: ServerRateLimit | undefined;
  /** The route's own limit for the upstream's response headers; undefined means the gateway's default. */
  timeoutMs: number | undefined;
  /** The upstream credential: headers (normalised names) set on every request to this upstream. */
  credential: ReadonlyArray<readonly [string, string]>;
  /** The tools the registry discovered on the server; metrics name only these, others are `other`. */
  toolNames: ReadonlySet<string>;
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
  /** Every compiled route, in path order. */
  all(): readonly CompiledRoute[];
  /** A named virtual MCP server of the table. */
  virtualServer(name: string): VirtualServer | undefined;
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
    const urls = route.proxyPassUrls && route.proxyPassUrls.length > 0 ? [route.proxyPassUrl, ...route.proxyPassUrls] : [route.proxyPassUrl];
    const targets = urls.map((url) => parseUpstream(url));
    const unusable = targets.find((target): target is string => typeof target === 'string');
    if (unusable !== undefined) {
      onSkipped({ route, reason: unusable });
      continue;
    }
    if (!allowLinkLocalUpstreams && urls.some((url) => isBlockedUpstreamHost(new URL(url).hostname))) {
      onSkipped({ route, reason: 'the upstream is a link-local or cloud metadata address; set UPSTREAM_ALLOW_LINK_LOCAL=true to allow it' });
      continue;
    }
    const [upstream] = targets as UpstreamTarget[];
    const replicas = route.proxyPassUrls && route.proxyPassUrls.length > 0 ? (targets.slice(1) as UpstreamTarget[]) : [upstream as UpstreamTarget];
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
    byPath.set(path, {
      path,
      serverName: route.serverName,
      enabled: route.enabled,
      upstream: upstream as UpstreamTarget,
      replicas,
      rateLimit: route.rateLimit ?? undefined,
      timeoutMs,
      credential,
      toolNames: new Set(route.toolNames ?? []),
    });
    maxDepth = Math.max(maxDepth, path.split('/').length - 1);
  }

  const all = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const virtualServers = new Map((table.virtualServers ?? []).map((definition) => [definition.name, definition]));
  return {
    version: table.version,
    size: byPath.size,
    all: () => all,
    virtualServer: (name) => virtualServers.get(name),
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
