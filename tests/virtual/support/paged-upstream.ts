import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, GetPromptRequestSchema, ListPromptsRequestSchema, ListToolsRequestSchema, McpError, ErrorCode, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { listen } from '@mcpgw/lib/http/listen.js';

export interface PagedUpstream {
  url: string;
  /** Session ids the upstream saw opened and ended (by DELETE or close). */
  opened: string[];
  ended: string[];
  close(): Promise<void>;
}

/**
 * A real MCP server (SDK, Streamable HTTP, stateful) offering `echo` (a name server-everything also
 * has), `toolCount - 1` more tools `tool-001`…, served `pageSize` per tools/list page with cursors,
 * and a prompt `greet`.
 */
export async function startPagedUpstream(options: { toolCount: number; pageSize: number; label: string }): Promise<PagedUpstream> {
  const tools: Tool[] = [
    { name: 'echo', description: `echo from ${options.label}`, inputSchema: { type: 'object', properties: { message: { type: 'string' } } } },
    ...Array.from({ length: options.toolCount - 1 }, (_, index) => ({
      name: `tool-${String(index + 1).padStart(3, '0')}`,
      description: `tool ${index + 1}`,
      inputSchema: { type: 'object' as const, properties: {} },
    })),
  ];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const opened: string[] = [];
  const ended: string[] = [];

  const newServer = (): Server => {
    const server = new Server({ name: options.label, version: '1.0.0' }, { capabilities: { tools: {}, prompts: {} } });
    server.setRequestHandler(ListToolsRequestSchema, (request) => {
      const start = request.params?.cursor === undefined ? 0 : Number(Buffer.from(request.params.cursor, 'base64url').toString());
      const end = start + options.pageSize;
      return { tools: tools.slice(start, end), ...(end < tools.length ? { nextCursor: Buffer.from(String(end)).toString('base64url') } : {}) };
    });
    server.setRequestHandler(CallToolRequestSchema, (request) => {
      if (!tools.some((tool) => tool.name === request.params.name)) throw new McpError(ErrorCode.InvalidParams, `no tool ${request.params.name}`);
      const message = String((request.params.arguments as { message?: unknown } | undefined)?.message ?? '');
      return { content: [{ type: 'text', text: `${options.label} ${request.params.name}: ${message}` }] };
    });
    server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: [{ name: 'greet', description: `greeting from ${options.label}` }] }));
    server.setRequestHandler(GetPromptRequestSchema, () => ({ messages: [{ role: 'user', content: { type: 'text', text: `hello from ${options.label}` } }] }));
    return server;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (typeof sessionId === 'string') {
        res.writeHead(404).end();
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports.set(id, created);
          opened.push(id);
        },
        onsessionclosed: (id) => {
          transports.delete(id);
          ended.push(id);
        },
      });
      await newServer().connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  };
  const running = await listen(createServer((req, res) => void handle(req, res).catch(() => res.destroy())), 0, '127.0.0.1', 0);
  return { url: running.url, opened, ended, close: running.close };
}
