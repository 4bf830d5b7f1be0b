// The benchmark's upstream: answers every JSON-RPC POST with a ~300-byte tools/call result,
// as JSON or (with argv[3] = sse) as one SSE event. Usage: upstream.ts PORT [json|sse]
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const sse = process.argv[3] === 'sse';
const text = 'The current time in Europe/Paris is 2026-11-21 22:30:00 CET. '.repeat(3).trim();

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let id: unknown = null;
    try {
      id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown }).id ?? null;
    } catch {
      // a body that is not JSON still gets an answer
    }
    const body = JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: false } });
    if (sse) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.end(`event: message\ndata: ${body}\n\n`);
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    }
  });
}).listen(port, '127.0.0.1');
