import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { GatewayError } from '../errors/gateway-error.js';

export interface ForwardInput {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  targetUrl: string;
  /** The authorised body, forwarded byte for byte; without it the request streams as it comes. */
  body?: Buffer;
}

export interface Forwarder {
  /**
   * Sends the request upstream and resolves with the upstream's response once its headers arrive;
   * rejects with GW_UPSTREAM_UNREACHABLE or, when no headers come within the timeout,
   * GW_UPSTREAM_TIMEOUT. The timeout covers the response headers only, never a started stream.
   */
  forward(input: ForwardInput): Promise<http.IncomingMessage>;
  close(): void;
}

interface PendingForward {
  settled: boolean;
  proxyReq?: http.ClientRequest;
  onResponse(proxyRes: http.IncomingMessage): void;
  onError(cause: Error): void;
}

/** Proxies requests upstream with http-proxy-3 over keep-alive agents; the response is the caller's to write. */
export function createForwarder(options: { upstreamTimeoutMs: number }): Forwarder {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const proxy = createProxyServer({ selfHandleResponse: true, ignorePath: true, xfwd: false });
  const pending = new WeakMap<http.IncomingMessage, PendingForward>();

  proxy.on('proxyReq', (proxyReq, req) => {
    const entry = pending.get(req);
    if (!entry) return;
    entry.proxyReq = proxyReq;
    if (entry.settled) proxyReq.destroy();
  });
  proxy.on('proxyRes', (proxyRes, req) => {
    const entry = pending.get(req);
    if (entry && !entry.settled) entry.onResponse(proxyRes);
    else proxyRes.destroy();
  });
  // A client that went away: http-proxy-3 reports it here instead of to the callback.
  proxy.on('econnreset', (cause, req) => pending.get(req)?.onError(cause));
  proxy.on('error', () => {});

  return {
    forward({ req, res, targetUrl, body }) {
      return new Promise((resolve, reject) => {
        const entry: PendingForward = {
          settled: false,
          onResponse: (proxyRes) => settle(() => resolve(proxyRes)),
          onError: (cause) =>
            settle(() =>
              reject(new GatewayError('GW_UPSTREAM_UNREACHABLE', 'the MCP server could not be reached; check that it is running', { cause })),
            ),
        };
        const settle = (outcome: () => void): void => {
          if (entry.settled) return;
          entry.settled = true;
          clearTimeout(timer);
          outcome();
        };
        const timer = setTimeout(() => {
          settle(() =>
            reject(new GatewayError('GW_UPSTREAM_TIMEOUT', `the MCP server did not answer within ${options.upstreamTimeoutMs} ms; try again later`)),
          );
          entry.proxyReq?.destroy();
        }, options.upstreamTimeoutMs);
        pending.set(req, entry);

        const agent = targetUrl.startsWith('https:') ? agents['https:'] : agents['http:'];
        proxy.web(
          req,
          res,
          { target: targetUrl, agent, ...(body === undefined ? {} : { buffer: Readable.from([body]) }) },
          (cause) => entry.onError(cause),
        );
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
