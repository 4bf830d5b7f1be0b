import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { listen } from '@mcpgw/lib/http/listen.js';

export const UPSTREAM_TOOLS = ['echo', 'add', 'admin_reset'] as const;

export interface McpUpstream {
  url: string;
  /** Session ids the upstream has issued and not yet closed. */
  sessions: Set<string>;
  /** The headers of every request that reached the upstream. */
  seenHeaders: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

function createMcpServer(): McpServer {
  const server = new McpServer({ name: 'gateway-test-upstream', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text: `echo: ${text}` }],
  }));
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('admin_reset', { description: 'Resets everything' }, () => ({
    content: [{ type: 'text', text: 'reset' }],
  }));
  return server;
}

/**
 * A real MCP server (McpServer + StreamableHTTPServerTransport on Express, stateful sessions) at
 * /mcp, answering POSTs with JSON (`enableJsonResponse`) or with SSE streams; and the legacy SSE
 * transport at /sse with messages posted to /messages.
 */
export async function startMcpUpstream(options: { enableJsonResponse: boolean }): Promise<McpUpstream> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers = new Set<McpServer>();
  const seenHeaders: McpUpstream['seenHeaders'] = [];
  const app = express();
  app.use((req, _res, next) => {
    seenHeaders.push({ ...req.headers });
    next();
  });
  app.post('/mcp', express.json(), async (req, res) => {
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
      onsessioninitialized: (id) => {
        transports.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) transports.delete(transport.sessionId);
    };
    const server = createMcpServer();
    servers.add(server);
    await server.connect(transport);
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
  app.get('/mcp', inSession);
  app.delete('/mcp', inSession);

  const legacy = new Map<string, SSEServerTransport>();
  app.get('/sse', async (_req, res) => {
    const transport = new SSEServerTransport('/messages', res);
    legacy.set(transport.sessionId, transport);
    res.on('close', () => legacy.delete(transport.sessionId));
    const server = createMcpServer();
    servers.add(server);
    await server.connect(transport);
  });
  app.post('/messages', express.json(), async (req, res) => {
    const transport = legacy.get(String(req.query.sessionId));
    if (!transport) {
      res.status(404).send('no such session');
      return;
    }
    await transport.handlePostMessage(req, res, req.body);
  });

  const httpServer = createServer(app);
  const running = await listen(httpServer, 0, '127.0.0.1', 0);
  return {
    url: running.url,
    get sessions() {
      return new Set(transports.keys());
    },
    seenHeaders,
    close: async () => {
      await Promise.allSettled([...servers].map((server) => server.close()));
      httpServer.closeAllConnections();
      await running.close();
    },
  };
}
