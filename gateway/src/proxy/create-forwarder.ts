import type dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';
import { linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import { guardedLookup } from './guarded-lookup.js';

export interface ForwardInput {
  method: string;
  targetUrl: string;
  /** The headers to send upstream, already cleaned (see build-upstream-headers). */
  headers: http.OutgoingHttpHeaders;
  /** The authorised body, forwarded byte for byte. */
  body?: Buffer;
  /** Without `body`: the client's request, streamed as it comes. */
  stream?: Readable;
  /** Overrides the forwarder's default limit for the response headers. */
  timeoutMs?: number;
  /** Aborting it destroys the upstream request (GW_REQUEST_ABORTED until the headers came). */
  signal?: AbortSignal;
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

/**
 * Sends requests upstream with node's http client over keep-alive agents. The upstream request
 * lives as long as the caller wants it: nothing here ends it when the client goes away (http-proxy-3
 * would, on the client's response closing), so that an answer can still run to its end upstream.
 */
export function createForwarder(options: { upstreamTimeoutMs: number; allowLinkLocalUpstreams?: boolean }): Forwarder {
  const allowLinkLocal = options.allowLinkLocalUpstreams ?? linkLocalUpstreamsAllowed();
  const lookup = allowLinkLocal ? {} : { lookup: guardedLookup as unknown as typeof dns.lookup };
  const agents = { 'http:': new http.Agent({ keepAlive: true, ...lookup }), 'https:': new https.Agent({ keepAlive: true, ...lookup }) };

  return {
    forward(input) {
      return new Promise((resolve, reject) => {
        const timeoutMs = input.timeoutMs ?? options.upstreamTimeoutMs;
        const url = new URL(input.targetUrl);
        const secure = url.protocol === 'https:';
        let settled = false;
        let timedOut = false;
        const fail = (cause: Error): void => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          if (timedOut) {
            reject(new GatewayError('GW_UPSTREAM_TIMEOUT', `the MCP server did not answer within ${timeoutMs} ms; try again later`));
          } else if (input.signal?.aborted) {
            reject(new GatewayError('GW_REQUEST_ABORTED', 'the client went away before the MCP server answered', { cause }));
          } else {
            reject(new GatewayError('GW_UPSTREAM_UNREACHABLE', 'the MCP server could not be reached; check that it is running', { cause }));
          }
        };

        let proxyReq: http.ClientRequest;
        try {
          proxyReq = (secure ? https : http).request(url, {
            method: input.method,
            headers: input.headers,
            agent: secure ? agents['https:'] : agents['http:'],
            ...(input.signal ? { signal: input.signal } : {}),
          });
        } catch (cause) {
          reject(new GatewayError('GW_UPSTREAM_UNREACHABLE', 'the request could not be sent to the MCP server', { cause }));
          return;
        }
        const timer = setTimeout(() => {
          timedOut = true;
          proxyReq.destroy();
        }, timeoutMs);
        proxyReq.on('error', fail);
        proxyReq.on('response', (proxyRes) => {
          clearTimeout(timer);
          if (settled) {
            proxyRes.destroy();
            return;
          }
          settled = true;
          resolve(proxyRes);
        });

        if (input.body !== undefined) proxyReq.end(input.body);
        else if (input.stream) {
          input.stream.once('error', () => proxyReq.destroy());
          input.stream.pipe(proxyReq);
        } else proxyReq.end();
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
