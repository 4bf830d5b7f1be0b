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
import { attestIdentity, type AttestationKey } from '@mcpgw/lib/check/identity-attestation.js';
import { buildUpstreamHeaders } from '../headers/build-upstream-headers.js';
import { schemeOf } from '../headers/scheme-of.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../headers/request-id.js';
import { planListFilter } from '../mcp/plan-list-filter.js';
import type { StreamToolFilters } from '../mcp/stream-tool-filters.js';
import type { LiveRoutes } from '../routes/live-routes.js';
import type { VirtualMcpEndpoint } from '../virtual/serve-virtual-mcp.js';
import { Exchange, type GatewayTelemetry } from '../telemetry/exchange-telemetry.js';
import { resolveRoute } from '../routes/resolve-route.js';
import type { RateLimiter } from '../ratelimit/enforce-rate-limits.js';
import type { SessionSealer } from '../sessions/seal-session-id.js';
import { callerOf, openRequestSession, sealResponseSession } from '../sessions/session-affinity.js';
import { forwardBalanced } from '../upstreams/forward-balanced.js';
import { legacySseReplica } from '../upstreams/legacy-sse-replica.js';
import type { UpstreamPool } from '../upstreams/upstream-pool.js';
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
  /** How long a request body may take to arrive in full; 0 waits forever. */
  bodyTimeoutMs: number;
  logger: Logger;
  /** Registers a long-lived event stream with a function that ends it; returns its removal. */
  trackStream: (end: () => void) => () => void;
  toolFilters: StreamToolFilters;
  origins: OriginPolicy;
  /** How often an idle event stream gets a keep-alive comment; 0 sends none. */
  sseKeepAliveMs: number;
  /** Serves /.well-known/oauth-protected-resource[/<path>] (RFC 9728). */
  protectedResource: ProtectedResourceHandler;
  /** Serves /mcp, the virtual MCP server, when it is on. */
  virtualMcp?: VirtualMcpEndpoint | undefined;
  /** Metrics, and spans when an OTLP endpoint is configured. */
  telemetry: GatewayTelemetry;
  /** When set, the identity sent upstream carries the gateway's attestation (X-Gateway-Identity). */
  attestation?: AttestationKey;
  /** Chooses the upstream replica of each request and keeps its circuit breaker. */
  upstreams: UpstreamPool;
  /** Token buckets of the registry's and scopes.yml's rate limits. */
  rateLimiter: RateLimiter;
  /** Seals upstream session ids; without it they pass unchanged (and a session may land on another replica). */
  sessions?: SessionSealer;
  /** True once the gateway is draining: answers then ask the client to close its connection. */
  draining: () => boolean;
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
    if (context.draining()) res.shouldKeepAlive = false;
    const logger = context.logger.child({ requestId });
    const rpc: RpcContext | undefined = req.method === 'POST' ? { id: null } : undefined;
    const exchange = new Exchange(context.telemetry, req, res);
    handle(context, req, res, requestId, rpc, logger, exchange).catch((error: unknown) => sendError(res, error, rpc, logger));
  };
}

async function handle(
  context: RequestHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  rpc: RpcContext | undefined,
  logger: Logger,
  exchange: Exchange,
): Promise<void> {
  const target = splitRequestTarget(req.url);
  if (target.pathname === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
    sendHealth(res, context.routes.current()?.size ?? 0, context.draining());
    return;
  }
  if (await context.protectedResource(req, res, target.pathname)) return;
  if (answerPreflight(req, res, context.origins)) return;
  if (context.virtualMcp && (await context.virtualMcp.handle(req, res, target.pathname, requestId, rpc))) return;
  // An event stream opened by GET ends upstream when its client leaves, as it would without the
  // gateway; the answer to a POST or DELETE runs to its end, so the client's going cancels no work.
  const openStream = req.method === 'GET';
  const gone = openStream ? clientGone(res) : undefined;

  let body: Buffer | undefined;
  let parsed: ParsedJsonRpcBody | undefined;
  if (rpc) {
    body = await readBody(req, context.maxBodyBytes, context.bodyTimeoutMs);
    parsed = parseJsonRpcBody(body);
    rpc.id = singleId(parsed);
  }
  const cors = context.origins.check(req);
  if (cors) for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);

  const match = await resolveRoute(context.routes, target.pathname);
  exchange.routed(match.route.path, match.route.toolNames, parsed?.ok ? parsed.messages : undefined, parsed?.ok === true && parsed.batch);
  if (parsed && !parsed.ok) {
    throw new GatewayError(parsed.code === JSONRPC_PARSE_ERROR ? 'GW_PARSE_ERROR' : 'GW_INVALID_REQUEST', parsed.message);
  }
  const mcp = parsed?.ok ? { messages: parsed.messages, batch: parsed.batch } : undefined;

  const grant = await exchange.checkAccess((traceHeaders) => context.access.check(req, {
    originalUrl: `${schemeOf(req)}://${req.headers.host ?? 'localhost'}${req.url}`,
    serverPath: match.route.path,
    requestId,
    ...(mcp ? { mcp } : {}),
    ...(traceHeaders ? { traceHeaders } : {}),
  }));

  const { route } = match;
  const rateLimited = context.rateLimiter.admit({
    serverPath: route.path,
    serverLimit: route.rateLimit,
    groupLimit: grant.rateLimit,
    identity: grant.identity,
    messages: mcp?.messages,
  });
  if (rateLimited) await rateLimited;

  const headers = buildUpstreamHeaders(req, {
    identity: context.attestation ? attestIdentity(context.attestation, match.route.path, grant.identity) : grant.identity,
    requestId,
    upstreamHost: route.upstream.host,
    credential: route.credential,
    ...(body ? { bodyLength: body.length } : {}),
  });
  const caller = callerOf(grant.identity);
  const pinned = (context.sessions ? openRequestSession(context.sessions, headers, caller, route.replicas.length) : undefined)
    ?? (route.replicas.length > 1 ? legacySseReplica(match.rest, target.query) : undefined);

  const { proxyRes, lease } = await exchange.forward((traceHeaders) => {
    if (traceHeaders) Object.assign(headers, traceHeaders);
    return forwardBalanced(context.forwarder, context.upstreams, {
      route,
      pinned,
      messages: body ? mcp?.messages : undefined,
      inputFor: (upstream) => ({
        method: req.method ?? 'GET',
        targetUrl: buildTargetUrl(upstream, match.rest, target.query),
        headers: upstream === route.upstream ? headers : { ...headers, host: upstream.host },
        ...(body ? { body } : { stream: req }),
        ...(route.timeoutMs === undefined ? {} : { timeoutMs: route.timeoutMs }),
        ...(gone ? { signal: gone } : {}),
      }),
    });
  });
  if (String(proxyRes.headers['content-type'] ?? '').startsWith('text/event-stream')) exchange.streaming();
  // An event stream holds no request open upstream once it has started; any other answer counts until written.
  if (openStream) lease.release();
  else res.once('close', lease.release);
  if (context.sessions) sealResponseSession(context.sessions, proxyRes, caller, lease.index);

  const plan: ResponsePlan = { requestId, keepAliveMs: context.sseKeepAliveMs, onClientGone: openStream ? 'close' : 'finish' };
  const listFilter = parsed?.ok ? planListFilter(parsed.messages, parsed.ids, grant, context.toolFilters.find(req.url ?? '')) : undefined;
  if (listFilter) plan.listFilter = listFilter;
  if (openStream) {
    plan.stream = {
      endpoint: { routePath: route.path, targetUrl: buildTargetUrl(lease.target, match.rest, target.query), basePath: lease.target.basePath },
      toolFilters: context.toolFilters,
      track: context.trackStream,
    };
  }
  await writeUpstreamResponse(res, proxyRes, plan);
  logger.debug({ method: req.method, route: route.path, replica: lease.index, status: proxyRes.statusCode }, 'proxied');
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

/** 503 while draining (asked on a connection opened before the drain), so that a load balancer stops using this gateway. */
function sendHealth(res: ServerResponse, routes: number, draining: boolean): void {
  const text = JSON.stringify({ status: draining ? 'draining' : 'ok', routes });
  res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
