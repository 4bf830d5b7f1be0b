// The benchmark's upstream: answers every JSON-RPC POST with a ~300-byte tools/call result,
// as JSON or (with argv[3] = sse) as one SSE event; initialize, tools/list and notifications get
// their proper answers, so that an MCP client (the gateway's virtual server) can open a session.
// Usage: upstream.ts PORT [json|sse]
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const sse = process.argv[3] === 'sse';
const text = 'The current time in Europe/Paris is 2026-11-21 22:30:00 CET. '.repeat(3).trim();

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let message: { id?: unknown; method?: unknown; params?: { protocolVersion?: unknown } } = {};
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof message;
    } catch {
      // a body that is not JSON still gets an answer
    }
    if (message.id === undefined && typeof message.method === 'string') {
      response.writeHead(202).end();
      return;
    }
    const id = message.id ?? null;
    const result =
      message.method === 'initialize'
        ? { protocolVersion: message.params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'bench-upstream', version: '1.0.0' } }
        : message.method === 'tools/list'
          ? { tools: [{ name: 'current_time_by_timezone', description: 'the time', inputSchema: { type: 'object', properties: { tz_name: { type: 'string' } } } }] }
          : { content: [{ type: 'text', text }], isError: false };
    const body = JSON.stringify({ jsonrpc: '2.0', id, result });
    if (sse) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.end(`event: message\ndata: ${body}\n\n`);
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    }
  });
}).listen(port, '127.0.0.1');
