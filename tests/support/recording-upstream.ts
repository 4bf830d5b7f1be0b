import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/**
 * A real HTTP upstream that records exactly what reached it and answers a JSON-RPC result
 * echoing the request id. For checking what the gateway forwards, byte for byte.
 */
export async function startRecordingUpstream(): Promise<RunningServer & { requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, rawHeaders: request.rawHeaders, body });
      let id: unknown = null;
      try {
        id = (JSON.parse(body.toString('utf8')) as { id?: unknown }).id ?? null;
      } catch {
        // not JSON: answer with a null id
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', id, result: { ok: true } }));
    });
  });
  const running = await listen(server, 0);
  return { ...running, requests };
}
