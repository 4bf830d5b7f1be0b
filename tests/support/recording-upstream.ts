import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface RecordingUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Answers each request once its body has been read; by default 200 JSON naming the path. */
  handler: (request: ReceivedRequest, res: ServerResponse, req: IncomingMessage) => void;
  close(): Promise<void>;
}

/** A raw node upstream that records exactly what reached it. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const state: RecordingUpstream = {
    url: '',
    received: [],
    handler: (request, res) => {
      const text = JSON.stringify({ jsonrpc: '2.0', id: idOf(request.body), result: { path: request.url } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    },
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      };
      state.received.push(request);
      state.handler(request, res, req);
    });
  });
  const running = await listen(server, 0, '127.0.0.1', 0);
  state.url = running.url;
  state.close = async () => {
    server.closeAllConnections();
    await running.close();
  };
  return state;
}

function idOf(body: Buffer): unknown {
  try {
    return (JSON.parse(body.toString('utf8')) as { id?: unknown }).id ?? null;
  } catch {
    return null;
  }
}
