import express, { Router } from 'express';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { ServerError } from '../errors/server-error.js';
import type { OpenSessions } from './open-sessions.js';

export const LEGACY_SSE_PATH = '/sse';
export const LEGACY_MESSAGES_PATH = '/messages';

/**
 * The legacy HTTP+SSE transport: GET /sse opens a stream whose first event names the endpoint
 * (/messages?sessionId=...) to which the client POSTs its messages; answers come back on the stream.
 */
export function legacySseRouter(createServer: () => McpServer, sessions: OpenSessions<SSEServerTransport>, bodyLimit: string): Router {
  const router = Router();

  router.get(LEGACY_SSE_PATH, async (_req, res) => {
    const transport = new SSEServerTransport(LEGACY_MESSAGES_PATH, res);
    const server = createServer();
    const id = transport.sessionId;
    transport.onclose = () => sessions.remove(id);
    sessions.add(id, { transport, server });
    await server.connect(transport);
  });

  router.post(LEGACY_MESSAGES_PATH, express.json({ limit: bodyLimit }), async (req, res) => {
    const id = req.query.sessionId;
    if (typeof id !== 'string' || id === '') {
      throw new ServerError('SRV_SESSION_REQUIRED', 'post to the endpoint the SSE stream named, with its sessionId');
    }
    const session = sessions.get(id);
    if (!session) throw new ServerError('SRV_SESSION_NOT_FOUND', 'Session not found: open a new SSE stream');
    await session.transport.handlePostMessage(req, res, req.body);
  });

  return router;
}
