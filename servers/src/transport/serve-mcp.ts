import { createServer as createHttpServer } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { errorHandler } from '../errors/send-error.js';
import { ServerError } from '../errors/server-error.js';
import { OpenSessions } from './open-sessions.js';
import { streamableHttpRouter } from './streamable-http-router.js';
import { legacySseRouter } from './legacy-sse-router.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_BODY_LIMIT = '4mb';
/** Connections still open once every session is closed are cut after this long. */
const CLOSE_GRACE_MS = 2000;

export interface ServeMcpOptions {
  /** Shown by /health and in logs. */
  name: string;
  /** Makes the server instance for one session; called once per session. */
  createServer: () => McpServer;
  port: number;
  host?: string;
  logger: Logger;
  bodyLimit?: string;
}

/** Serves MCP servers over Streamable HTTP (/mcp) and legacy HTTP+SSE (/sse, /messages), plus GET /health. */
export async function serveMcp(options: ServeMcpOptions): Promise<RunningServer> {
  const logger = options.logger.child({ server: options.name });
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const streamable = new OpenSessions<StreamableHTTPServerTransport>('streamable-http', logger);
  const sse = new OpenSessions<SSEServerTransport>('sse', logger);

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', server: options.name, sessions: { streamableHttp: streamable.size, sse: sse.size } });
  });
  app.use(streamableHttpRouter(options.createServer, streamable, bodyLimit));
  app.use(legacySseRouter(options.createServer, sse, bodyLimit));
  app.use((req) => {
    throw new ServerError('SRV_NOT_FOUND', `nothing at ${req.method} ${req.path}: use /mcp, /sse or /health`);
  });
  app.use(errorHandler(logger));

  const running = await listen(createHttpServer(app), options.port, options.host ?? DEFAULT_HOST, CLOSE_GRACE_MS);
  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    port: running.port,
    close: () => {
      closing ??= Promise.all([streamable.closeAll(), sse.closeAll()]).then(() => running.close());
      return closing;
    },
  };
}
