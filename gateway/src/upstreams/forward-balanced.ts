import type { IncomingMessage } from 'node:http';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ForwardInput, Forwarder } from '../proxy/create-forwarder.js';
import type { CompiledRoute, UpstreamTarget } from '../routes/compile-routes.js';
import type { UpstreamLease, UpstreamPool } from './upstream-pool.js';

/** Reads that change nothing upstream, so that one sent to a replica that could not be reached may go to another. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'ping',
  'tools/list',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
]);

/** Answers that count against a replica's breaker, as a refused connection or a timeout does. */
const FAILING_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export interface BalancedRequest {
  route: CompiledRoute;
  /** The replica holding the request's session, if it names one. */
  pinned: number | undefined;
  /** The JSON-RPC messages of a buffered POST body; undefined for streamed bodies, GET and DELETE. */
  messages: readonly JsonRpcMessageView[] | undefined;
  /** The request as it goes to one replica. */
  inputFor(target: UpstreamTarget): ForwardInput;
}

/**
 * Sends a request to a replica chosen by the pool and reports the outcome to its breaker. Only a
 * request of idempotent reads, with no session, that could not reach its replica at all is sent to a
 * second one; tools/call and everything else is never retried.
 */
export async function forwardBalanced(forwarder: Forwarder, pool: UpstreamPool, request: BalancedRequest): Promise<{ proxyRes: IncomingMessage; lease: UpstreamLease }> {
  const first = pool.lease(request.route, request.pinned);
  try {
    return { proxyRes: await forwardTo(forwarder, first, request), lease: first };
  } catch (error) {
    if (!retryable(request, error)) throw error;
    const second = pool.lease(request.route, undefined, first.index);
    return { proxyRes: await forwardTo(forwarder, second, request), lease: second };
  }
}

async function forwardTo(forwarder: Forwarder, lease: UpstreamLease, request: BalancedRequest): Promise<IncomingMessage> {
  let proxyRes: IncomingMessage;
  try {
    proxyRes = await forwarder.forward(request.inputFor(lease.target));
  } catch (error) {
    if (!(error instanceof GatewayError && error.code === 'GW_REQUEST_ABORTED')) lease.outcome(false);
    lease.release();
    throw error;
  }
  lease.outcome(!FAILING_STATUSES.has(proxyRes.statusCode ?? 502));
  return proxyRes;
}

function retryable(request: BalancedRequest, error: unknown): boolean {
  return (
    error instanceof GatewayError &&
    error.code === 'GW_UPSTREAM_UNREACHABLE' &&
    request.pinned === undefined &&
    request.route.replicas.length > 1 &&
    request.messages !== undefined &&
    request.messages.length > 0 &&
    request.messages.every((message) => message.method !== undefined && IDEMPOTENT_METHODS.has(message.method))
  );
}
