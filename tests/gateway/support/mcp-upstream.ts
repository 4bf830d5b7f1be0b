import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport, type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  isInitializeRequest,
  type JSONRPCMessage,
  ListRootsResultSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { z } from 'zod';
import { listen } from '@mcpgw/lib/http/listen.js';

export const UPSTREAM_TOOLS = ['echo', 'add', 'admin_reset'] as const;

export interface McpUpstreamOptions {
  enableJsonResponse: boolean;
  /** Keep every event for resumption with Last-Event-ID; priming events then carry this `retry:`. */
  resumable?: { retryIntervalMs: number };
  /** Where the server is mounted: `/prefix` serves `/prefix/mcp`, `/prefix/sse` and `/prefix/messages`. */
  basePath?: string;
  /**
   * How the legacy `endpoint` event names the messages URL: a path as the SDK sends it
   * (`/prefix/messages?sessionId=…`), relative to the event stream (`messages?sessionId=…`) or absolute
   * (`http://127.0.0.1:port/prefix/messages?sessionId=…`).
   */
  endpointForm?: 'path' | 'relative' | 'absolute';
}

export interface UpstreamResponse {
  method: string;
  /** True when the upstream wrote its whole answer, false when the connection went first. */
  finished: boolean;
}

export interface McpUpstream {
  url: string;
  /** Session ids the upstream has issued and not yet closed. */
  sessions: Set<string>;
  /** The headers of every request that reached the upstream. */
  seenHeaders: Array<Record<string, string | string[] | undefined>>;
  /** How each answer ended, in the order they ended. */
  responses: UpstreamResponse[];
  /** Tool calls whose handler ran to its end, by tool name. */
  completedCalls: string[];
  /** Lets every `wait_for_gate` call waiting now go on. */
  openGate(): void;
  close(): Promise<void>;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Keeps every event in the order it was sent (the SDK's example store orders events of one millisecond at random). */
class OrderedEventStore implements EventStore {
  private readonly events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${this.events.length + 1}-${randomUUID()}`;
    this.events.push({ id, streamId, message });
    return id;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const index = this.events.findIndex((event) => event.id === lastEventId);
    if (index === -1) return '';
    const { streamId } = this.events[index]!;
    for (const event of this.events.slice(index + 1)) {
      if (event.streamId === streamId) await send(event.id, event.message);
    }
    return streamId;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function progress(extra: Extra, value: number, total?: number): Promise<void> {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return;
  await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: value, ...(total ? { total } : {}) } });
}

function createMcpServer(upstream: { completedCalls: string[]; gate: () => Promise<void> }): McpServer {
  const server = new McpServer({ name: 'gateway-test-upstream', version: '1.0.0' });
  const done = (name: string, text: string) => {
    upstream.completedCalls.push(name);
    return { content: [{ type: 'text' as const, text }] };
  };
  server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text: `echo: ${text}` }],
  }));
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('admin_reset', { description: 'Resets everything' }, () => ({
    content: [{ type: 'text', text: 'reset' }],
  }));
  server.registerTool(
    'progress',
    { description: 'Sends `steps` progress notifications, `gapMs` apart', inputSchema: { steps: z.number(), gapMs: z.number() } },
    async ({ steps, gapMs }, extra) => {
      for (let step = 1; step <= steps; step += 1) {
        await sleep(gapMs);
        await progress(extra, step, steps);
      }
      return done('progress', `done after ${steps} steps`);
    },
  );
  server.registerTool('wait_for_gate', { description: 'Reports progress 1, waits for the test to open the gate, reports 2' }, async (extra) => {
    await progress(extra, 1);
    await upstream.gate();
    await progress(extra, 2);
    return done('wait_for_gate', 'the gate opened');
  });
  server.registerTool(
    'drop_then_finish',
    { description: 'Reports progress, closes its event stream, then reports more and answers' },
    async (extra) => {
      await progress(extra, 1, 3);
      if (!extra.closeSSEStream) throw new Error('this session cannot resume a stream');
      extra.closeSSEStream();
      await sleep(20);
      await progress(extra, 2, 3);
      await progress(extra, 3, 3);
      return done('drop_then_finish', 'finished after the drop');
    },
  );
  server.registerTool('ask', { description: 'Asks the user (elicitation)', inputSchema: { question: z.string() } }, async ({ question }, extra) => {
    const answer = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: { message: question, requestedSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } },
      },
      ElicitResultSchema,
    );
    return done('ask', answer.action === 'accept' ? `answer: ${String(answer.content?.answer)}` : `action: ${answer.action}`);
  });
  server.registerTool('sample', { description: "Asks the client's model (sampling)", inputSchema: { prompt: z.string() } }, async ({ prompt }, extra) => {
    const result = await extra.sendRequest(
      { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 20 } },
      CreateMessageResultSchema,
    );
    const content = result.content as { type: string; text?: string };
    return done('sample', `model said: ${content.text ?? content.type}`);
  });
  server.registerTool('roots', { description: "Lists the client's roots" }, async (extra) => {
    const result = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema);
    return done('roots', result.roots.map((root) => root.uri).join(' '));
  });
  return server;
}

/**
 * A real MCP server (McpServer + StreamableHTTPServerTransport on Express, stateful sessions) at
 * /mcp, answering POSTs with JSON (`enableJsonResponse`) or with SSE streams; and the legacy SSE
 * transport at /sse with messages posted to /messages. Besides plain tools it has tools that stream
 * progress, wait for the test, drop their stream, and ask the client (elicitation, sampling, roots).
 */
export async function startMcpUpstream(options: McpUpstreamOptions): Promise<McpUpstream> {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers = new Set<McpServer>();
  const seenHeaders: McpUpstream['seenHeaders'] = [];
  const responses: UpstreamResponse[] = [];
  const completedCalls: string[] = [];
  let openGate!: () => void;
  let gate = new Promise<void>((resolve) => (openGate = resolve));
  const shared = { completedCalls, gate: () => gate };
  const newServer = (): McpServer => {
    const server = createMcpServer(shared);
    servers.add(server);
    return server;
  };

  const app = express();
  const router = express.Router();
  app.use((req, res, next) => {
    seenHeaders.push({ ...req.headers });
    res.on('close', () => responses.push({ method: req.method, finished: res.writableFinished }));
    next();
  });
  app.use(base === '' ? '/' : base, router);
  router.post('/mcp', express.json(), async (req, res) => {
    const sessionId = req.header('mcp-session-id');
    const existing = sessionId === undefined ? undefined : transports.get(sessionId);
    if (existing) return existing.handleRequest(req, res, req.body);
    if (sessionId !== undefined || !isInitializeRequest(req.body)) {
      res.status(sessionId === undefined ? 400 : 404).json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'no such session' } });
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: options.enableJsonResponse,
      ...(options.resumable ? { eventStore: new OrderedEventStore(), retryInterval: options.resumable.retryIntervalMs } : {}),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) transports.delete(transport.sessionId);
    };
    await newServer().connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const inSession = async (req: express.Request, res: express.Response): Promise<void> => {
    const transport = transports.get(req.header('mcp-session-id') ?? '');
    if (!transport) {
      res.status(404).json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'no such session' } });
      return;
    }
    await transport.handleRequest(req, res);
  };
  router.get('/mcp', inSession);
  router.delete('/mcp', inSession);

  const legacy = new Map<string, SSEServerTransport>();
  let origin = '';
  router.get('/sse', async (_req, res) => {
    const form = options.endpointForm ?? 'path';
    if (form !== 'path') {
      const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
        if (text?.startsWith('event: endpoint')) {
          const rewritten = text.replace(`data: ${base}/messages`, form === 'relative' ? 'data: messages' : `data: ${origin}${base}/messages`);
          return write(rewritten, ...rest);
        }
        return write(chunk, ...rest);
      }) as typeof res.write;
    }
    const transport = new SSEServerTransport(`${base}/messages`, res);
    legacy.set(transport.sessionId, transport);
    res.on('close', () => legacy.delete(transport.sessionId));
    await newServer().connect(transport);
  });
  router.post('/messages', express.json(), async (req, res) => {
    const transport = legacy.get(String(req.query.sessionId));
    if (!transport) {
      res.status(404).send('no such session');
      return;
    }
    await transport.handlePostMessage(req, res, req.body);
  });

  const httpServer = createServer(app);
  const running = await listen(httpServer, 0, '127.0.0.1', 0);
  origin = running.url;
  return {
    url: running.url,
    get sessions() {
      return new Set(transports.keys());
    },
    seenHeaders,
    responses,
    completedCalls,
    openGate: () => {
      openGate();
      gate = new Promise<void>((resolve) => (openGate = resolve));
    },
    close: async () => {
      await Promise.allSettled([...servers].map((server) => server.close()));
      httpServer.closeAllConnections();
      await running.close();
    },
  };
}
