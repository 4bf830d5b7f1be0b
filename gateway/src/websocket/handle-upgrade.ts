import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { AccessChecker } from '../authz/check-access.js';
import type { OriginPolicy } from '../cors/origin-policy.js';
import { GatewayError } from '../errors/gateway-error.js';
import { sendError, type UpgradeSocket } from '../errors/send-error.js';
import { buildUpstreamHeaders } from '../headers/build-upstream-headers.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../headers/request-id.js';
import { schemeOf } from '../headers/scheme-of.js';
import { buildTargetUrl } from '../proxy/build-target-url.js';
import { splitRequestTarget } from '../proxy/split-request-target.js';
import type { LiveRoutes } from '../routes/live-routes.js';
import { resolveRoute } from '../routes/resolve-route.js';
import type { UpgradeForwarder } from './forward-upgrade.js';

export interface UpgradeHandlerContext {
  routes: LiveRoutes;
  access: AccessChecker;
  origins: OriginPolicy;
  forwarder: UpgradeForwarder;
  /** The limit for the upstream's answer to the upgrade, for routes that set none. */
  upstreamTimeoutMs: number;
  logger: Logger;
  /** Registers a long-lived connection with a function that ends it; returns its removal. */
  trackStream: (end: () => void) => () => void;
}

/**
 * The upgrade lifecycle, the same as a GET's: check the path and the Origin, match the route, ask
 * the auth-server with the upgrade request's headers, then forward the upgrade with the identity
 * headers replaced. Every refusal is a proper HTTP answer on the socket, which is then closed.
 */
export function createUpgradeHandler(context: UpgradeHandlerContext): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const requestId = requestIdOf(req);
    const logger = context.logger.child({ requestId });
    const answer: UpgradeSocket = { socket, headers: { [REQUEST_ID_HEADER]: requestId } };
    const refuse = (error: unknown): void => sendError(answer, error, undefined, logger);
    socket.on('error', (error) => logger.debug({ err: error }, 'upgrade connection failed'));
    upgrade(context, req, socket, head, requestId, refuse).catch(refuse);
  };
}

async function upgrade(
  context: UpgradeHandlerContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  requestId: string,
  refuse: (error: GatewayError) => void,
): Promise<void> {
  const target = splitRequestTarget(req.url);
  if (req.method !== 'GET' || req.headers.upgrade?.trim().toLowerCase() !== 'websocket') {
    throw new GatewayError('GW_UPGRADE_UNSUPPORTED', 'the gateway upgrades GET requests to WebSocket only; send the request without an Upgrade header');
  }
  context.origins.check(req);
  const match = await resolveRoute(context.routes, target.pathname);
  const grant = await context.access.check(req, {
    originalUrl: `${schemeOf(req)}://${req.headers.host ?? 'localhost'}${req.url}`,
    serverPath: match.route.path,
    requestId,
  });
  if (socket.destroyed) return;

  const { upstream } = match.route;
  const headers = buildUpstreamHeaders(req, { identity: grant.identity, requestId, upstreamHost: upstream.host, credential: match.route.credential });
  headers.connection = 'Upgrade';
  headers.upgrade = req.headers.upgrade;
  const untrack = context.trackStream(() => socket.destroy());
  socket.once('close', untrack);
  context.forwarder.forward({
    req,
    socket,
    head,
    targetUrl: buildTargetUrl(upstream, match.rest, target.query),
    headers,
    timeoutMs: match.route.timeoutMs ?? context.upstreamTimeoutMs,
    onError: refuse,
  });
}
