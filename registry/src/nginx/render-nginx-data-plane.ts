import { CHECK_MAX_HEADER_BYTES, CHECK_PATH, CHECK_REQUEST_HEADERS, IDENTITY_HEADERS, RESERVED_HEADER_NAMES } from '@mcpgw/lib/check/check-contract.js';
import { isBlockedUpstreamHost } from '@mcpgw/lib/net/upstream-address-policy.js';
import { tryCanonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { isReservedServerPath } from '@mcpgw/lib/paths/reserved-paths.js';
import type { Route, RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { DATA_PLANE_MAX_BODY_BYTES, type NginxDataPlaneSettings } from './nginx-data-plane-settings.js';

export interface SkippedNginxRoute {
  path: string;
  reason: string;
}

export interface RenderedNginxDataPlane {
  /** The routes version the configuration was rendered from. */
  version: string;
  /** For nginx's http block (conf.d). */
  config: string;
  /** Routes left out, each with the reason; the others are served. */
  skipped: SkippedNginxRoute[];
}

/** Characters a proxy_pass URL path may hold in the rendered file: no quotes, `$`, `;`, braces or spaces. */
const SAFE_URL_PATH = /^[A-Za-z0-9/._~%!&()*+,=:@-]*$/;
const SAFE_HOST = /^[A-Za-z0-9.[\]:_-]+$/;
const IDENTITY_VARIABLES = Object.values(IDENTITY_HEADERS).map((header) => ({ header, variable: `$mcpgw_${header.slice(2).replace(/-/g, '_')}` }));
/** Header names the check and the upstream must never receive from a client; X-Body is set by the front half only. */
const CLEARED_HEADERS = [...RESERVED_HEADER_NAMES].filter((name) => name !== CHECK_REQUEST_HEADERS.body).sort();

/** Carries the secret that proves a request came through the front half. */
const HOP_HEADER = 'X-Mcpgw-Hop';
/** What the check location sets itself rather than clears. */
const CHECK_SETS: ReadonlySet<string> = new Set([CHECK_REQUEST_HEADERS.originalUrl, CHECK_REQUEST_HEADERS.originalMethod, CHECK_REQUEST_HEADERS.serverPath]);

interface PlannedRoute {
  path: string;
  enabled: boolean;
  /** `host[:port]` the upstream expects. */
  host: string;
  /** The servername for TLS upstreams. */
  hostname: string;
  protocol: 'http' | 'https';
  basePath: string;
}

/**
 * The nginx data plane (DESIGN 2 and 3.2) for a route table: a front server on `listen` that reads
 * the body and passes it on base64 in X-Body, and an inner server on a unix socket with one location
 * per registered server: auth_request to the auth-server's /validate, the identity it answers set
 * with auth_request_set, every identity header a client sent cleared, SSE streamed unbuffered.
 * Pure: writing, checking and reloading are apply-nginx-config's.
 */
export function renderNginxDataPlane(
  table: RouteTable,
  settings: NginxDataPlaneSettings,
  options: { allowLinkLocal: boolean; hopSecret: string },
): RenderedNginxDataPlane {
  const { allowLinkLocal, hopSecret } = options;
  if (!/^[A-Za-z0-9]{32,}$/.test(hopSecret)) throw new Error('the hop secret must be 32 or more letters and digits');
  const skipped: SkippedNginxRoute[] = [];
  const planned: PlannedRoute[] = [];
  for (const route of table.routes) {
    const result = planRoute(route, allowLinkLocal);
    if (typeof result === 'string') skipped.push({ path: route.path, reason: result });
    else if (planned.some((other) => other.path === result.path)) skipped.push({ path: route.path, reason: `another route already serves ${result.path}` });
    else planned.push(result);
  }
  // Longer paths first only for readability: nginx picks the longest matching prefix itself.
  planned.sort((a, b) => b.path.length - a.path.length || a.path.localeCompare(b.path));
  const lines = [
    `# MCP Gateway nginx data plane, rendered by the registry from routes version ${table.version}.`,
    '# Rewritten on every change of the servers: edit the servers, not this file.',
    `js_import mcpgw_dataplane from ${settings.scriptFile};`,
    'js_set $mcpgw_body_base64 mcpgw_dataplane.requestBodyBase64;',
    '',
    'map $http_x_request_id $mcpgw_request_id {',
    '  default $http_x_request_id;',
    "  ''      $request_id;",
    '}',
    'map $http_upgrade $mcpgw_connection {',
    '  default upgrade;',
    "  ''      '';",
    '}',
    '# The ingress token stays behind: with X-Authorization present, Authorization is the egress token.',
    'map $http_x_authorization $mcpgw_upstream_authorization {',
    "  ''      '';",
    '  default $http_authorization;',
    '}',
    '',
    'upstream mcpgw_auth_server {',
    `  server ${hostPort(settings.authUrl.host, settings.authUrl.protocol)};`,
    '  keepalive 16;',
    '}',
    'upstream mcpgw_dataplane_inner {',
    `  server unix:${settings.socket};`,
    '  keepalive 32;',
    '}',
    ...planned.flatMap((route, index) => (route.enabled ? ['', `upstream mcpgw_server_${index} {`, `  server ${hostPort(route.host, `${route.protocol}:`)};`, '  keepalive 8;', '}'] : [])),
    '',
    '# Front: reads the whole body (in memory), then hands the request and its body to the inner half.',
    'server {',
    `  listen ${settings.listen};`,
    `  client_max_body_size ${DATA_PLANE_MAX_BODY_BYTES};`,
    `  client_body_buffer_size ${DATA_PLANE_MAX_BODY_BYTES};`,
    '  client_body_in_single_buffer on;',
    '  location / {',
    '    proxy_pass http://mcpgw_dataplane_inner;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Host $http_host;',
    '    proxy_set_header Connection $mcpgw_connection;',
    '    proxy_set_header Upgrade $http_upgrade;',
    '    proxy_set_header X-Request-Id $mcpgw_request_id;',
    `    proxy_set_header ${headerName(CHECK_REQUEST_HEADERS.body)} $mcpgw_body_base64;`,
    `    proxy_set_header ${HOP_HEADER} ${hopSecret};`,
    '    proxy_set_header X-Forwarded-For $remote_addr;',
    ...STREAMING,
    '  }',
    '}',
    '',
    '# Inner: one location per server, each behind the auth-server check.',
    'server {',
    `  listen unix:${settings.socket};`,
    `  large_client_header_buffers 4 ${CHECK_MAX_HEADER_BYTES};`,
    `  client_max_body_size ${DATA_PLANE_MAX_BODY_BYTES};`,
    '  default_type application/json;',
    '  # Only the front half may talk to this one: anything else cannot vouch for X-Body.',
    `  if ($http_${HOP_HEADER.toLowerCase().replace(/-/g, '_')} != "${hopSecret}") {`,
    '    return 403;',
    '  }',
    "  set $mcpgw_www_authenticate '';",
    '  error_page 401 = @mcpgw_unauthorized;',
    '  error_page 403 = @mcpgw_forbidden;',
    '  error_page 500 = @mcpgw_check_failed;',
    ...planned.flatMap((route, index) => renderRoute(route, index, settings.authUrl.protocol.replace(':', ''), settings.authUrl.pathname.replace(/\/+$/, ''))),
    '',
    '  location / {',
    `    return 404 '${jsonRpcError(-32601, 'no server is registered at this path; list servers with GET /api/servers', 'GW_ROUTE_NOT_FOUND')}';`,
    '  }',
    '  location @mcpgw_unauthorized {',
    '    add_header WWW-Authenticate $mcpgw_www_authenticate always;',
    `    return 401 '${jsonRpcError(-32001, 'authentication required: send a valid bearer token', 'AUTH_TOKEN_MISSING')}';`,
    '  }',
    '  location @mcpgw_forbidden {',
    '    add_header WWW-Authenticate $mcpgw_www_authenticate always;',
    `    return 403 '${jsonRpcError(-32003, 'access denied by scopes.yml for this server, method or tool', 'AUTHZ_DENIED')}';`,
    '  }',
    '  location @mcpgw_check_failed {',
    `    return 503 '${jsonRpcError(-32000, 'the auth-server did not answer the check; nothing was forwarded', 'GW_AUTH_UNAVAILABLE')}';`,
    '  }',
    '}',
    '',
  ];
  return { version: table.version, config: lines.join('\n'), skipped };
}

const STREAMING = [
  '    proxy_buffering off;',
  '    proxy_cache off;',
  '    proxy_read_timeout 24h;',
  '    proxy_send_timeout 24h;',
];

/** `authScheme` and `authPath` (no trailing slash) are AUTH_URL's: the check goes to `{AUTH_URL}/validate` as the gateway's does. */
function renderRoute(route: PlannedRoute, index: number, authScheme: string, authPath: string): string[] {
  const location = `${route.path}/`;
  if (!route.enabled) {
    return ['', `  location ${location} {`, `    return 503 '${jsonRpcError(-32000, `the server ${route.path} is disabled`, 'GW_SERVER_DISABLED')}';`, '  }'];
  }
  const checkLocation = `/_mcpgw/check/${index}`;
  return [
    '',
    `  location ${location} {`,
    `    auth_request ${checkLocation};`,
    ...IDENTITY_VARIABLES.map(({ header, variable }) => `    auth_request_set ${variable} $upstream_http_${header.replace(/-/g, '_')};`),
    '    auth_request_set $mcpgw_www_authenticate $upstream_http_www_authenticate;',
    ...CLEARED_HEADERS.map((name) => {
      const identity = IDENTITY_VARIABLES.find((item) => item.header === name);
      return `    proxy_set_header ${headerName(name)} ${identity ? identity.variable : '""'};`;
    }),
    `    proxy_set_header ${headerName(CHECK_REQUEST_HEADERS.body)} "";`,
    '    proxy_set_header X-Authorization "";',
    `    proxy_set_header ${HOP_HEADER} "";`,
    '    proxy_set_header Authorization $mcpgw_upstream_authorization;',
    `    proxy_set_header Host ${route.host};`,
    '    proxy_set_header Connection $mcpgw_connection;',
    '    proxy_set_header Upgrade $http_upgrade;',
    '    proxy_set_header Accept-Encoding "";',
    '    proxy_http_version 1.1;',
    ...(route.protocol === 'https' ? ['    proxy_ssl_server_name on;', `    proxy_ssl_name ${route.hostname};`] : []),
    '    # Legacy SSE: the endpoint the upstream announces is under this server path at the gateway.',
    '    sub_filter_types text/event-stream;',
    `    sub_filter "event: endpoint\\ndata: /" "event: endpoint\\ndata: ${route.path}/";`,
    ...STREAMING,
    `    proxy_pass ${route.protocol}://mcpgw_server_${index}${route.basePath};`,
    '  }',
    `  location = ${checkLocation} {`,
    '    internal;',
    `    proxy_pass ${authScheme}://mcpgw_auth_server${authPath}${CHECK_PATH};`,
    '    proxy_method GET;',
    '    proxy_pass_request_body off;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
    '    proxy_set_header Content-Length "";',
    '    proxy_set_header Content-Type "";',
    ...CLEARED_HEADERS.filter((name) => !CHECK_SETS.has(name)).map((name) => `    proxy_set_header ${headerName(name)} "";`),
    `    proxy_set_header ${headerName(CHECK_REQUEST_HEADERS.originalUrl)} $scheme://$http_host$request_uri;`,
    `    proxy_set_header ${headerName(CHECK_REQUEST_HEADERS.originalMethod)} $request_method;`,
    `    proxy_set_header ${headerName(CHECK_REQUEST_HEADERS.serverPath)} ${route.path};`,
    `    proxy_set_header ${headerName(CHECK_REQUEST_HEADERS.body)} $http_x_body;`,
    `    proxy_set_header ${HOP_HEADER} "";`,
    '    proxy_connect_timeout 5s;',
    '    proxy_read_timeout 10s;',
    '  }',
  ];
}

/** A route the data plane can serve, or why not. */
function planRoute(route: Route, allowLinkLocal: boolean): PlannedRoute | string {
  const path = tryCanonicalServerPath(route.path);
  if (path === undefined) return 'the path is not a canonical server path';
  if (isReservedServerPath(path)) return 'the path starts with a segment the gateway answers itself';
  let url: URL;
  try {
    url = new URL(route.proxyPassUrl);
  } catch {
    return 'proxy_pass_url is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'proxy_pass_url must be http or https';
  if (url.username !== '' || url.password !== '') return 'proxy_pass_url must not carry credentials';
  if (url.search !== '' || url.hash !== '') return 'the nginx data plane cannot serve a proxy_pass_url with a query or fragment';
  if (!SAFE_HOST.test(url.host) || !SAFE_URL_PATH.test(url.pathname)) return 'proxy_pass_url holds characters the nginx configuration cannot carry';
  if (!allowLinkLocal && isBlockedUpstreamHost(url.hostname)) {
    return 'the upstream is a link-local or cloud metadata address; set UPSTREAM_ALLOW_LINK_LOCAL=true to allow it';
  }
  const basePath = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return {
    path,
    enabled: route.enabled,
    host: url.host,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    basePath,
  };
}

/** `host:port` with the scheme's default port made explicit, as an upstream `server` needs. */
function hostPort(host: string, protocol: string): string {
  if (/:\d+$/.test(host)) return host;
  return `${host}:${protocol === 'https:' ? 443 : 80}`;
}

/** `x-user` -> `X-User`. */
function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

function jsonRpcError(code: number, message: string, reason: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message, data: { code: reason } } });
}
