import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSONRPC_PARSE_ERROR, type JsonRpcId } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import { parseJsonRpcBody, type ParsedJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { AccessChecker } from '../authz/check-access.js';
import { answerPreflight } from '../cors/answer-preflight.js';
import type { ProtectedResourceHandler } from '../discovery/serve-protected-resource.js';
import type { OriginPolicy } from '../cors/origin-policy.js';
import { GatewayError } from '../errors/gateway-error.js';
import { sendError, type RpcContext } from '../errors/send-error.js';
import { buildUpstreamHeaders } from '../headers/build-upstream-headers.js';
import { schemeOf } from '../headers/scheme-of.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../headers/request-id.js';
import { planListFilter } from '../mcp/plan-list-filter.js';
import type { StreamToolFilters } from '../mcp/stream-tool-filters.js';
import type { LiveRoutes } from '../routes/live-routes.js';
import { resolveRoute } from '../routes/resolve-route.js';
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
  origins: OriginPolicy;
  /** How often an idle event stream gets a keep-alive comment; 0 sends none. */
  sseKeepAliveMs: number;
  /** Serves /.well-known/oauth-protected-resource[/<path>] (RFC 9728). */
  protectedResource: ProtectedResourceHandler;
}

/**
 * The request lifecycle: check the path, answer a CORS preflight, read and parse a POST body once,
 * check the Origin, match the route, ask the auth-server, then forward exactly the authorised bytes
 * and stream the answer back.
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
  if (await context.protectedResource(req, res, target.pathname)) return;
  if (answerPreflight(req, res, context.origins)) return;
  // An event stream opened by GET ends upstream when its client leaves, as it would without the
  // gateway; the answer to a POST or DELETE runs to its end, so the client's going cancels no work.
  const openStream = req.method === 'GET';
  const gone = openStream ? clientGone(res) : undefined;

  let body: Buffer | undefined;
  let parsed: ParsedJsonRpcBody | undefined;
  if (rpc) {
    body = await readBody(req, context.maxBodyBytes);
    parsed = parseJsonRpcBody(body);
    rpc.id = singleId(parsed);
  }
  const cors = context.origins.check(req);
  if (cors) for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);

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
  const headers = buildUpstreamHeaders(req, {
    identity: grant.identity,
    requestId,
    upstreamHost: upstream.host,
    credential: match.route.credential,
    ...(body ? { bodyLength: body.length } : {}),
  });

  const plan: ResponsePlan = { requestId, keepAliveMs: context.sseKeepAliveMs, onClientGone: openStream ? 'close' : 'finish' };
  const listFilter = parsed?.ok ? planListFilter(parsed.messages, parsed.ids, grant, context.toolFilters.find(req.url ?? '')) : undefined;
  if (listFilter) plan.listFilter = listFilter;
  if (openStream) {
    plan.stream = {
      endpoint: { routePath: match.route.path, targetUrl, basePath: upstream.basePath },
      toolFilters: context.toolFilters,
      track: context.trackStream,
    };
  }

  const proxyRes = await context.forwarder.forward({
    method: req.method ?? 'GET',
    targetUrl,
    headers,
    ...(body ? { body } : { stream: req }),
    ...(match.route.timeoutMs === undefined ? {} : { timeoutMs: match.route.timeoutMs }),
    ...(gone ? { signal: gone } : {}),
  });
  await writeUpstreamResponse(res, proxyRes, plan);
  logger.debug({ method: req.method, route: match.route.path, status: proxyRes.statusCode }, 'proxied');
}

/** Aborts when the client goes away before its answer was written. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
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
