import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListPromptsRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { freePort } from '../../support/free-port.js';

/** Lists come in pages of this many items, the next named by nextCursor. */
export const PAGE_SIZE = 2;

export interface UpstreamContent {
  tools: Tool[];
  /** When set, tools/list always answers a next page: the server lists in a loop. */
  endlessTools?: boolean;
  prompts: Array<{ name: string; description?: string }>;
  resources: Array<{ uri: string; name: string; description?: string }>;
}

export interface ControllableUpstream {
  /** `http://127.0.0.1:<port>/`, the proxy_pass_url to register; MCP at /mcp. */
  url: string;
  content: UpstreamContent;
  /** Every request's method and, for POSTs, the JSON-RPC method. */
  requests: Array<{ method: string; rpc?: string }>;
  /** When set, every request is answered with this HTTP status. */
  refuseWith: number | undefined;
  /** When set, a request without exactly this Authorization header is answered 401. */
  requireAuthorization: string | undefined;
  /** Stops listening (the port stays reserved for start()). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function clean(): UpstreamContent {
  return {
    tools: ['add', 'subtract', 'multiply', 'divide', 'modulo'].map((name) => ({
      name,
      description: `Returns the result of ${name} on two numbers.`,
      inputSchema: { type: 'object', properties: { a: { type: 'number', description: 'first operand' }, b: { type: 'number' } }, required: ['a', 'b'] },
    })),
    prompts: [
      { name: 'explain', description: 'Explains a calculation step by step.' },
      { name: 'check', description: 'Checks a result.' },
      { name: 'round', description: 'Rounds a number.' },
    ],
    resources: [
      { uri: 'calc://constants/pi', name: 'pi' },
      { uri: 'calc://constants/e', name: 'e' },
      { uri: 'calc://history', name: 'history', description: 'Recent calculations.' },
    ],
  };
}

/**
 * A real MCP SDK server over stateful Streamable HTTP whose tools, prompts and resources a test
 * edits, served in pages; it can stop and come back on the same port, or refuse every request.
 */
export async function startControllableUpstream(content: UpstreamContent = clean()): Promise<ControllableUpstream> {
  const port = await freePort();
  const transports = new Map<string, StreamableHTTPServerTransport>();
  let http: HttpServer | undefined;
  const upstream: ControllableUpstream = {
    url: `http://127.0.0.1:${port}/`,
    content,
    requests: [],
    refuseWith: undefined,
    requireAuthorization: undefined,
    start: async () => {
      http = createServer((request, response) => {
        void handle(request, response).catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(500).end(String(error));
        });
      });
      await new Promise<void>((resolve, reject) => {
        http?.once('error', reject);
        http?.listen(port, '127.0.0.1', () => resolve());
      });
    },
    stop: async () => {
      const server = http;
      http = undefined;
      if (server === undefined) return;
      for (const transport of transports.values()) await transport.close();
      transports.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    close: () => upstream.stop(),
  };

  const handle = async (request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> => {
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    upstream.requests.push({ method: request.method ?? '', ...(isRpc(body) ? { rpc: body.method } : {}) });
    const refusal = upstream.refuseWith ?? (upstream.requireAuthorization !== undefined && request.headers.authorization !== upstream.requireAuthorization ? 401 : undefined);
    if (refusal !== undefined) {
      response.writeHead(refusal, { 'content-type': 'application/json' }).end('{"error":"refused"}');
      return;
    }
    const sessionId = request.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (transport === undefined) {
      if (typeof sessionId === 'string') {
        response.writeHead(404).end();
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        enableJsonResponse: true,
        onsessioninitialized: (id) => void transports.set(id, transport as StreamableHTTPServerTransport),
        onsessionclosed: (id) => void transports.delete(id),
      });
      await mcpServer(upstream.content).connect(transport);
    }
    await transport.handleRequest(request, response, body);
  };

  await upstream.start();
  return upstream;
}

function mcpServer(content: UpstreamContent): Server {
  const server = new Server({ name: 'controllable', version: '1.0.0' }, { capabilities: { tools: {}, prompts: {}, resources: {} } });
  server.setRequestHandler(ListToolsRequestSchema, (request) => {
    if (content.endlessTools === true) return { tools: content.tools.slice(0, 1), nextCursor: 'again' };
    const { items, nextCursor } = page(content.tools, request.params?.cursor);
    return { tools: items, ...(nextCursor ? { nextCursor } : {}) };
  });
  server.setRequestHandler(ListPromptsRequestSchema, (request) => {
    const { items, nextCursor } = page(content.prompts, request.params?.cursor);
    return { prompts: items, ...(nextCursor ? { nextCursor } : {}) };
  });
  server.setRequestHandler(ListResourcesRequestSchema, (request) => {
    const { items, nextCursor } = page(content.resources, request.params?.cursor);
    return { resources: items, ...(nextCursor ? { nextCursor } : {}) };
  });
  return server;
}

function page<T>(items: readonly T[], cursor: string | undefined): { items: T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : Number(cursor);
  const end = start + PAGE_SIZE;
  return { items: items.slice(start, end), ...(end < items.length ? { nextCursor: String(end) } : {}) };
}

function isRpc(body: unknown): body is { method: string } {
  return typeof body === 'object' && body !== null && typeof (body as { method?: unknown }).method === 'string';
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}
