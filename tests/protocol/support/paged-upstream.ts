import { createServer, type IncomingMessage } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema, CompleteRequestSchema, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema, McpError, ReadResourceRequestSchema, ErrorCode,
} from '@modelcontextprotocol/sdk/types.js';
import { listen } from '@mcpgw/lib/http/listen.js';

/** Every list is served in pages of this many items, the next page named by `nextCursor`. */
export const PAGE_SIZE = 3;

export const TOOL_NAMES = ['echo', 'add', 'admin_reset', 'get_time', 'delete_everything', 'search', 'export_data'];
export const PROMPT_NAMES = ['summarise', 'translate', 'drop_tables', 'greet'];
export const RESOURCE_URIS = ['test://docs/a', 'test://docs/b', 'test://secret/k1', 'test://docs/c', 'test://index', 'test://secret/k2'];
export const TEMPLATE_URIS = ['test://docs/{name}', 'test://secret/{key}', 'test://index{?page}'];

export interface PagedUpstream {
  /** `http://127.0.0.1:<port>`: JSON answers under /json/, event-stream answers under /sse/. */
  url: string;
  /** The JSON-RPC messages each POST carried, in order. */
  received: unknown[];
  close(): Promise<void>;
}

/**
 * A low-level MCP SDK server (stateless Streamable HTTP) whose tools, prompts, resources and
 * resource templates come in pages, as the SDK's McpServer never serves them.
 */
export async function startPagedUpstream(): Promise<PagedUpstream> {
  const received: unknown[] = [];
  const http = createServer((req, res) => {
    void (async () => {
      const body = await readJson(req);
      if (body !== undefined) received.push(body);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: req.url?.startsWith('/json/') ?? false });
      const server = pagedServer();
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  const running = await listen(http, 0, '127.0.0.1', 0);
  return {
    url: running.url,
    received,
    close: async () => {
      http.closeAllConnections();
      await running.close();
    },
  };
}

function page<T>(items: readonly T[], cursor: string | undefined): { items: T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : Number(cursor);
  const end = start + PAGE_SIZE;
  return { items: items.slice(start, end), ...(end < items.length ? { nextCursor: String(end) } : {}) };
}

function pagedServer(): Server {
  const server = new Server({ name: 'paged', version: '1.0.0' }, { capabilities: { tools: {}, prompts: {}, resources: {}, completions: {} } });
  server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const { items, nextCursor } = page(TOOL_NAMES, request.params?.cursor);
    const tools = items.map((name) => ({ name, description: `the ${name} tool`, inputSchema: { type: 'object' as const, properties: {} } }));
    return { tools, ...(nextCursor ? { nextCursor } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    if (!TOOL_NAMES.includes(request.params.name)) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    return { content: [{ type: 'text', text: `called ${request.params.name}` }] };
  });
  server.setRequestHandler(ListPromptsRequestSchema, (request) => {
    const { items, nextCursor } = page(PROMPT_NAMES, request.params?.cursor);
    return { prompts: items.map((name) => ({ name, description: `the ${name} prompt` })), ...(nextCursor ? { nextCursor } : {}) };
  });
  server.setRequestHandler(GetPromptRequestSchema, (request) => {
    if (!PROMPT_NAMES.includes(request.params.name)) throw new McpError(ErrorCode.InvalidParams, `Prompt ${request.params.name} not found`);
    return { messages: [{ role: 'user', content: { type: 'text', text: `prompt ${request.params.name}` } }] };
  });
  server.setRequestHandler(ListResourcesRequestSchema, (request) => {
    const { items, nextCursor } = page(RESOURCE_URIS, request.params?.cursor);
    return { resources: items.map((uri) => ({ uri, name: uri.split('/').at(-1) ?? uri })), ...(nextCursor ? { nextCursor } : {}) };
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, (request) => {
    const { items, nextCursor } = page(TEMPLATE_URIS, request.params?.cursor);
    return { resourceTemplates: items.map((uriTemplate) => ({ uriTemplate, name: uriTemplate })), ...(nextCursor ? { nextCursor } : {}) };
  });
  server.setRequestHandler(CompleteRequestSchema, (request) => {
    const { ref } = request.params;
    const known = ref.type === 'ref/prompt' ? PROMPT_NAMES.includes(ref.name) : TEMPLATE_URIS.includes(ref.uri);
    if (!known) throw new McpError(ErrorCode.InvalidParams, `Unknown reference ${JSON.stringify(ref)}`);
    return { completion: { values: [`${request.params.argument.value}-completed`], hasMore: false } };
  });
  server.setRequestHandler(ReadResourceRequestSchema, (request) => {
    if (!RESOURCE_URIS.includes(request.params.uri)) throw new McpError(ErrorCode.InvalidParams, `Resource ${request.params.uri} not found`);
    return { contents: [{ uri: request.params.uri, text: `content of ${request.params.uri}` }] };
  });
  return server;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(undefined);
      }
    });
  });
}
