import { randomUUID } from 'node:crypto';
import express, { Router, type Request } from 'express';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ServerError } from '../errors/server-error.js';
import type { OpenSessions } from './open-sessions.js';

export const STREAMABLE_HTTP_PATH = '/mcp';
const SESSION_HEADER = 'mcp-session-id';

/**
 * Streamable HTTP at /mcp, stateful: an initialize POST without a session id opens a session and a
 * server instance for it; every later POST, GET (SSE stream) and DELETE names it in Mcp-Session-Id.
 */
export function streamableHttpRouter(
  createServer: () => McpServer,
  sessions: OpenSessions<StreamableHTTPServerTransport>,
  bodyLimit: string,
): Router {
  const router = Router();

  router.post(STREAMABLE_HTTP_PATH, express.json({ limit: bodyLimit }), async (req, res) => {
    if (req.header(SESSION_HEADER) !== undefined) {
      await sessionOf(req, sessions).transport.handleRequest(req, res, req.body);
      return;
    }
    if (!isInitializeRequest(req.body)) {
      throw new ServerError('SRV_NOT_INITIALIZE', 'send initialize first, then the Mcp-Session-Id header it answers with');
    }
    const server = createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id: string): void => sessions.add(id, { transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.remove(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  const handleInSession = async (req: Request, res: express.Response): Promise<void> => {
    await sessionOf(req, sessions).transport.handleRequest(req, res);
  };
  router.get(STREAMABLE_HTTP_PATH, handleInSession);
  router.delete(STREAMABLE_HTTP_PATH, handleInSession);

  return router;
}

function sessionOf(req: Request, sessions: OpenSessions<StreamableHTTPServerTransport>) {
  const id = req.header(SESSION_HEADER);
  if (id === undefined || id === '') {
    throw new ServerError('SRV_SESSION_REQUIRED', 'send the Mcp-Session-Id header that initialize answered with');
  }
  const session = sessions.get(id);
  if (!session) throw new ServerError('SRV_SESSION_NOT_FOUND', 'Session not found: initialize a new session');
  return session;
}
