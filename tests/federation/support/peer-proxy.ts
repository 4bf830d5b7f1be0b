import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';

/** What the proxy does to one request: pass it, change it, or break it. */
export interface ProxyBehaviour {
  /** Rewrites the path and query sent to the registry. */
  rewrite?: (url: URL) => URL;
  /** Changes the answer's body (the signature header is passed unchanged). */
  alterBody?: (body: string) => string;
  /** Answers this status instead of forwarding. */
  status?: number;
  /** Cuts the connection without an answer, as a registry that goes down. */
  cut?: boolean;
}

export interface PeerProxy extends RunningServer {
  /** How many requests arrived. */
  readonly requests: number;
  /** Decides each request's fate from its number (1, 2, …). */
  behave(plan: (requestNumber: number) => ProxyBehaviour): void;
}

/** A real HTTP server in front of a registry that can alter, refuse or cut what passes. */
export async function startPeerProxy(target: string): Promise<PeerProxy> {
  let count = 0;
  let plan: (requestNumber: number) => ProxyBehaviour = () => ({});
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    count += 1;
    const behaviour = plan(count);
    if (behaviour.cut) {
      request.socket.destroy();
      return;
    }
    if (behaviour.status !== undefined) {
      response.writeHead(behaviour.status, { 'content-type': 'application/json' }).end('{"error":{"code":"PROXY","message":"refused by the test proxy"}}');
      return;
    }
    let url = new URL(request.url ?? '/', target);
    if (behaviour.rewrite) url = behaviour.rewrite(url);
    const upstream = await fetch(url, { headers: { authorization: request.headers.authorization ?? '' } });
    let body = await upstream.text();
    if (behaviour.alterBody) body = behaviour.alterBody(body);
    const headers: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'application/json' };
    const signature = upstream.headers.get('x-federation-signature');
    if (signature !== null) headers['x-federation-signature'] = signature;
    response.writeHead(upstream.status, headers).end(body);
  });
  const running = await listen(server, 0, '127.0.0.1');
  return {
    ...running,
    get requests() {
      return count;
    },
    behave: (next) => {
      plan = next;
    },
  };
}
