import { createServer, request, type IncomingMessage } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';

export interface BearerShim {
  url: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardableHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  return headers;
}

/**
 * Test scaffolding, not a product feature: a tiny forwarder that adds `Authorization: Bearer <token>`
 * to every request and passes everything else both ways unchanged and unbuffered (the Host header
 * included), for clients such as the conformance suite that cannot send a token themselves.
 */
export async function startBearerShim(targetUrl: string, token: string): Promise<BearerShim> {
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...forwardableHeaders(req), authorization: `Bearer ${token}` } },
      (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  const running = await listen(server, 0, '127.0.0.1', 0);
  return {
    url: running.url,
    close: async () => {
      server.closeAllConnections();
      await running.close();
    },
  };
}
