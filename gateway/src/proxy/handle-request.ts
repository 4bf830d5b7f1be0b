import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeAllowedTools } from '@mcpgw/lib/check/check-contract.js';
import { JSONRPC_PARSE_ERROR, type JsonRpcId } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import { parseJsonRpcBody, type ParsedJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { AccessChecker } from '../authz/check-access.js';
import { GatewayError } from '../errors/gateway-error.js';
import { sendError, type RpcContext } from '../errors/send-error.js';
import { buildUpstreamHeaders } from '../headers/build-upstream-headers.js';
import { schemeOf } from '../headers/scheme-of.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../headers/request-id.js';
import type { StreamToolFilters } from '../mcp/stream-tool-filters.js';
import type { LiveRoutes } from '../routes/live-routes.js';
import type { RouteMatch } from '../routes/compile-routes.js';
import { buildTargetUrl } from './build-target-url.js';
import type { Forwarder } from './create-forwarder.js';
import { readBody } from './read-body.js';
import { splitRequestTarget } from './split-request-target.js';
import { writeUpstreamResponse, type ResponsePlan } from './write-upstream-response.js';

export const HEALTH_PATH = '/health';

export interface RequestHandlerContext {
  routes: LiveRoutes;
  access: AccessChecker;
  forwarder: Forwarder;
  maxBodyBytes: number;
  logger: Logger;
  /** Registers a long-lived event stream with a function that ends it; returns its removal. */
  trackStream: (end: () => void) => () => void;
  toolFilters: StreamToolFilters;
}

/**
 * The request lifecycle: check the path, read and parse a POST body once, match the route, ask the
 * auth-server, then forward exactly the authorised bytes and stream the answer back.
 */
export function createRequestHandler(context: RequestHandlerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const logger = context.logger.child({ requestId });
    const rpc: RpcContext | undefined = req.method === 'POST' ? { id: null } : undefined;
    handle(context, req, res, requestId, rpc, logger).catch((error: unknown) => sendError(res, error, rpc, logger));
  };
}

async function handle(
  context: RequestHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  rpc: RpcContext | undefined,
  logger: Logger,
): Promise<void> {
  const target = splitRequestTarget(req.url);
  if (target.pathname === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
    sendHealth(res, context.routes.current()?.size ?? 0);
    return;
  }

  let body: Buffer | undefined;
  let parsed: ParsedJsonRpcBody | undefined;
  if (rpc) {
    body = await readBody(req, context.maxBodyBytes);
    parsed = parseJsonRpcBody(body);
    rpc.id = singleId(parsed);
  }

  const match = await resolveRoute(context.routes, target.pathname);
  if (parsed && !parsed.ok) {
    throw new GatewayError(parsed.code === JSONRPC_PARSE_ERROR ? 'GW_PARSE_ERROR' : 'GW_INVALID_REQUEST', parsed.message);
  }
  const mcp = parsed?.ok ? { messages: parsed.messages, batch: parsed.batch } : undefined;

  const grant = await context.access.check(req, {
    originalUrl: `${schemeOf(req)}://${req.headers.host ?? 'localhost'}${req.url}`,
    serverPath: match.route.path,
    requestId,
    ...(mcp ? { mcp } : {}),
  });

  const { upstream } = match.route;
  const targetUrl = buildTargetUrl(upstream, match.rest, target.query);
  req.headers = buildUpstreamHeaders(req, {
    identity: grant.identity,
    requestId,
    upstreamHost: upstream.host,
    ...(body ? { bodyLength: body.length } : {}),
  });

  const plan: ResponsePlan = { requestId };
  const toolsListIds = parsed?.ok ? parsed.ids.filter((_id, index) => parsed.messages[index]?.method === 'tools/list') : [];
  if (toolsListIds.length > 0) {
    const allowed = decodeAllowedTools(grant.allowedTools);
    const legacyStream = context.toolFilters.find(req.url ?? '');
    for (const id of toolsListIds) legacyStream?.allow(id, allowed);
    if (allowed !== '*') {
      const ids = new Set<unknown>(toolsListIds);
      plan.toolsFilter = (id) => (ids.has(id) ? allowed : undefined);
    }
  }
  if (req.method === 'GET') {
    plan.stream = {
      endpoint: { routePath: match.route.path, targetUrl, basePath: upstream.basePath },
      toolFilters: context.toolFilters,
      track: context.trackStream,
    };
  }

  const proxyRes = await context.forwarder.forward({ req, res, targetUrl, ...(body ? { body } : {}) });
  await writeUpstreamResponse(res, proxyRes, plan);
  logger.debug({ method: req.method, route: match.route.path, status: proxyRes.statusCode }, 'proxied');
}

/** The route of a path; a path not in the table, or a disabled server, asks the source once more. */
async function resolveRoute(routes: LiveRoutes, pathname: string): Promise<RouteMatch> {
  const first = lookUpRoute(routes, pathname);
  if (!(first instanceof GatewayError)) return first;
  await routes.refreshAfterMiss();
  const second = lookUpRoute(routes, pathname);
  if (second instanceof GatewayError) throw second;
  return second;
}

function lookUpRoute(routes: LiveRoutes, pathname: string): RouteMatch | GatewayError {
  const matcher = routes.current();
  if (!matcher) {
    return new GatewayError('GW_ROUTES_UNAVAILABLE', 'the gateway has not received its route table from the registry yet; try again shortly');
  }
  const match = matcher.match(pathname);
  if (!match) {
    return new GatewayError('GW_ROUTE_NOT_FOUND', 'no MCP server is registered at this path; check the server path in the registry');
  }
  if (!match.route.enabled) {
    return new GatewayError('GW_SERVER_DISABLED', `the MCP server at ${match.route.path} is disabled; an administrator can enable it in the registry`, {
      data: { server: match.route.path },
    });
  }
  return match;
}

/** The id errors carry: the id of a single message, null for a batch or an unreadable body. */
function singleId(parsed: ParsedJsonRpcBody): JsonRpcId {
  if (!parsed.ok) return parsed.id;
  return parsed.batch ? null : (parsed.ids[0] ?? null);
}

function sendHealth(res: ServerResponse, routes: number): void {
  const text = JSON.stringify({ status: 'ok', routes });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
