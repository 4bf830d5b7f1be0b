import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RunningServer } from '@mcpgw/lib/http/listen.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { MCP_HEADERS, openStreamableSession, postInSession, PROTOCOL_VERSION, readToEnd, readUntil } from './support/raw-mcp.js';

const SESSION_NOT_FOUND = -32001;
const silent = pino({ level: 'silent' });
const listTools = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

interface ErrorBody {
  error: { code: number; data?: { code?: string } };
}

describe('example server transports', () => {
  let server: RunningServer;
  before(async () => {
    server = await startExampleServer('currenttime', { port: 0, logger: silent });
  });
  after(() => server.close());

  test('GET /health answers 200 with the server name', async () => {
    const response = await fetch(`${server.url}/health`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; server: string };
    assert.deepEqual([body.status, body.server], ['ok', 'currenttime']);
  });

  test('initialize answers an Mcp-Session-Id that later requests use', async () => {
    const sessionId = await openStreamableSession(server.url);
    const response = await postInSession(server.url, sessionId, listTools);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /current_time_by_timezone/);
  });

  test('DELETE ends a session: a later request with its id gets 404', async () => {
    const sessionId = await openStreamableSession(server.url);
    const deleted = await fetch(`${server.url}/mcp`, {
      method: 'DELETE',
      headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION },
    });
    assert.equal(deleted.status, 200);
    await deleted.body?.cancel();
    const after = await postInSession(server.url, sessionId, listTools);
    assert.equal(after.status, 404);
    const body = (await after.json()) as ErrorBody;
    assert.equal(body.error.code, SESSION_NOT_FOUND);
    assert.equal(body.error.data?.code, 'SRV_SESSION_NOT_FOUND');
  });

  test('the SDK client terminating its session ends it on the server', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`));
    const client = new Client({ name: 'transport-tests', version: '1.0.0' });
    await client.connect(transport);
    const sessionId = transport.sessionId;
    assert.ok(sessionId);
    await transport.terminateSession();
    await client.close();
    const after = await postInSession(server.url, sessionId, listTools);
    assert.equal(after.status, 404);
    await after.body?.cancel();
  });

  test('an unknown session id gets 404 on POST, GET and DELETE', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const method of ['POST', 'GET', 'DELETE']) {
      const response = await fetch(`${server.url}/mcp`, {
        method,
        headers: { ...MCP_HEADERS, 'mcp-session-id': unknown },
        ...(method === 'POST' ? { body: JSON.stringify(listTools) } : {}),
      });
      assert.equal(response.status, 404, method);
      assert.equal(((await response.json()) as ErrorBody).error.code, SESSION_NOT_FOUND);
    }
  });

  test('a request without a session that is not initialize is refused with 400', async () => {
    const response = await fetch(`${server.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(listTools) });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as ErrorBody).error.data?.code, 'SRV_NOT_INITIALIZE');
  });

  test('malformed JSON is a JSON-RPC parse error', async () => {
    const response = await fetch(`${server.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc":' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as ErrorBody).error.code, -32700);
  });

  test('the legacy SSE stream names /messages?sessionId=... as its endpoint; unknown sessions get 404', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/sse`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = stream.body!.getReader();
    const text = await readUntil(reader, /event: endpoint\ndata: [^\n]+\n/);
    assert.match(text, /data: \/messages\?sessionId=[0-9a-f-]+\n/);
    controller.abort();
    await reader.cancel().catch(() => undefined);

    const unknown = await fetch(`${server.url}/messages?sessionId=nope`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(listTools) });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as ErrorBody).error.data?.code, 'SRV_SESSION_NOT_FOUND');
  });

  test('an unknown route answers 404 with a JSON error', async () => {
    const response = await fetch(`${server.url}/nowhere`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as ErrorBody).error.data?.code, 'SRV_NOT_FOUND');
  });
});

describe('close()', () => {
  test('ends open Streamable HTTP and legacy SSE streams', { timeout: 20_000 }, async () => {
    const server = await startExampleServer('notes', { port: 0, logger: silent });
    const sessionId = await openStreamableSession(server.url);
    const standalone = await fetch(`${server.url}/mcp`, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION },
    });
    assert.equal(standalone.status, 200);
    const legacy = await fetch(`${server.url}/sse`, { headers: { accept: 'text/event-stream' } });
    const legacyReader = legacy.body!.getReader();
    const seen = await readUntil(legacyReader, /event: endpoint\n/);

    const health = (await (await fetch(`${server.url}/health`)).json()) as { sessions: { streamableHttp: number; sse: number } };
    assert.deepEqual(health.sessions, { streamableHttp: 1, sse: 1 });

    // Each stream must end cleanly: a stream cut by the connection being destroyed rejects instead.
    const ended = Promise.all([readToEnd(standalone.body!.getReader()), readToEnd(legacyReader, seen)]);
    await server.close();
    const [, legacyText] = await ended;
    assert.match(legacyText, /event: endpoint/);
    await assert.rejects(fetch(`${server.url}/health`));
  });
});
