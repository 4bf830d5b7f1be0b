import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport, type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createReferenceServer } from './reference-handlers.js';

/**
 * The reference server for the MCP conformance suite, the "everything server" its server scenarios
 * expect: Streamable HTTP at /mcp with sessions, resumable event streams (priming events, a retry
 * hint, Last-Event-ID) and DNS-rebinding protection. Run as a child process; prints
 * `listening <url>` once it accepts connections and stops on SIGTERM.
 */
const RETRY_MS = 200;
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
}

function createEventStore(): EventStore {
  const events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${String(events.length).padStart(8, '0')}`;
      events.push({ id, streamId, message });
      return id;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const last = events.findIndex((event) => event.id === lastEventId);
      const streamId = last === -1 ? '' : events[last]!.streamId;
      for (const event of events.slice(last + 1)) {
        if (event.streamId === streamId) await send(event.id, event.message);
      }
      return streamId;
    },
  };
}

/** A browser page on another site must not reach a local server through DNS rebinding. */
function loopbackOnly(req: IncomingMessage): boolean {
  const host = req.headers.host ?? '';
  const hostName = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? '';
  if (!LOOPBACK_NAMES.has(hostName.toLowerCase())) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return LOOPBACK_NAMES.has(new URL(origin).hostname.toLowerCase());
  } catch {
    return false;
  }
}

function sendRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }));
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}

const isInitialize = (body: unknown): boolean => typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize';

const sessions = new Map<string, Session>();

async function openSession(): Promise<Session> {
  // Declared before the server so that its tools can close their own streams.
  let transport: StreamableHTTPServerTransport | undefined;
  const server = createReferenceServer((requestId) => transport?.closeSSEStream(requestId));
  transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    eventStore: createEventStore(),
    retryInterval: RETRY_MS,
    onsessioninitialized: (sessionId) => {
      sessions.set(sessionId, session);
    },
  });
  const session: Session = { transport, server };
  transport.onclose = () => {
    if (transport?.sessionId !== undefined) sessions.delete(transport.sessionId);
  };
  await server.connect(transport);
  return session;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!loopbackOnly(req)) {
    sendRpcError(res, 403, -32000, 'Forbidden: the Host or Origin is not this machine');
    return;
  }
  if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  const sessionId = req.headers['mcp-session-id'];
  if (typeof sessionId === 'string') {
    const session = sessions.get(sessionId);
    if (!session) {
      sendRpcError(res, 404, -32001, 'Session not found');
      return;
    }
    await session.transport.handleRequest(req, res, body);
    return;
  }
  if (req.method === 'POST' && isInitialize(body)) {
    const session = await openSession();
    await session.transport.handleRequest(req, res, body);
    return;
  }
  sendRpcError(res, 400, -32000, 'Bad Request: no valid session id');
}

const http = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    if (!res.headersSent) sendRpcError(res, 500, -32603, error instanceof Error ? error.message : String(error));
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});

process.once('SIGTERM', () => {
  for (const session of sessions.values()) void session.server.close();
  http.closeAllConnections();
  http.close(() => process.exit(0));
});
