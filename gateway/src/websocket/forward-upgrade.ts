import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { GatewayError } from '../errors/gateway-error.js';

export interface UpgradeInput {
  req: http.IncomingMessage;
  socket: Duplex;
  /** The first bytes the client sent after its request headers. */
  head: Buffer;
  targetUrl: string;
  /** The headers to send upstream, already cleaned, `Connection: Upgrade` included. */
  headers: http.IncomingHttpHeaders;
  timeoutMs: number;
  /**
   * Called, synchronously, when the upstream could not be reached or sent nothing within the
   * timeout (GW_UPSTREAM_UNREACHABLE, GW_UPSTREAM_TIMEOUT): the socket is still writable then and
   * is closed right after.
   */
  onError(error: GatewayError): void;
}

export interface UpgradeForwarder {
  /**
   * Sends the upgrade request upstream. A 101 answer joins the two connections; any other answer is
   * relayed to the client as it came and the connection closed.
   */
  forward(input: UpgradeInput): void;
}

interface PendingUpgrade {
  answered: boolean;
  timedOut: boolean;
  timer?: NodeJS.Timeout;
  proxyReq?: http.ClientRequest;
}

/** Forwards WebSocket upgrades with http-proxy-3, one upstream connection per upgrade. */
export function createUpgradeForwarder(): UpgradeForwarder {
  const proxy = createProxyServer({ ignorePath: true, xfwd: false });
  const pending = new WeakMap<http.IncomingMessage, PendingUpgrade>();
  proxy.on('proxyReqWs', (proxyReq, req) => {
    const entry = pending.get(req);
    if (!entry) return;
    entry.proxyReq = proxyReq;
    const answered = (): void => {
      entry.answered = true;
      clearTimeout(entry.timer);
    };
    proxyReq.once('upgrade', answered).once('response', answered);
  });
  proxy.on('error', () => {});

  return {
    forward(input) {
      const entry: PendingUpgrade = { answered: false, timedOut: false };
      pending.set(input.req, entry);
      entry.timer = setTimeout(() => {
        entry.timedOut = true;
        entry.proxyReq?.destroy();
      }, input.timeoutMs);
      input.socket.once('close', () => {
        clearTimeout(entry.timer);
        if (!entry.answered) entry.proxyReq?.destroy();
      });

      input.req.headers = input.headers;
      proxy.ws(input.req, input.socket, input.head, { target: input.targetUrl, agent: false }, (cause) => {
        clearTimeout(entry.timer);
        if (entry.answered) return;
        entry.answered = true;
        input.onError(
          entry.timedOut
            ? new GatewayError('GW_UPSTREAM_TIMEOUT', `the MCP server did not answer the upgrade within ${input.timeoutMs} ms; try again later`)
            : new GatewayError('GW_UPSTREAM_UNREACHABLE', 'the MCP server could not be reached; check that it is running', { cause }),
        );
      });
    },
  };
}
