import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route } from './support/route-feed-server.js';

const LIMIT = 64 * 1024;

describe('POST bodies', () => {
  let stack: GatewayStack;
  let upstream: RecordingUpstream;

  before(async () => {
    upstream = await startRecordingUpstream();
    stack = await startGatewayStack([route('/echo', `${upstream.url}/`)], { maxBodyBytes: LIMIT });
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(`${stack.gateway.url}/echo/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json', ...headers },
      body,
    });

  const nothingReached = async (action: () => Promise<void>): Promise<void> => {
    const checks = stack.auth.calls.length;
    const reached = upstream.received.length;
    await action();
    assert.equal(stack.auth.calls.length, checks, 'the auth-server was asked');
    assert.equal(upstream.received.length, reached, 'the upstream was reached');
  };

  test('forwards exactly the bytes that were authorised, with their Content-Length', async () => {
    const body = Buffer.from('{ "jsonrpc" : "2.0",\n  "id": 7, "method": "tools/call",\t"params": {"name": "échø", "arguments": {"x": "ü ☃"}} }\n', 'utf8');
    const response = await post(body);
    assert.equal(response.status, 200);
    const received = upstream.received.at(-1)!;
    assert.ok(received.body.equals(body));
    assert.equal(received.headers['content-length'], String(body.length));
    assert.equal(received.headers['transfer-encoding'], undefined);
    assert.equal(response.json().id, 7);
  });

  test('a chunked body is forwarded whole with a Content-Length', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 'c', method: 'ping' });
    const received = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const url = new URL(`${stack.gateway.url}/echo/mcp`);
      const request = http.request(url, { method: 'POST', agent: false, headers: { authorization: `Bearer ${stack.token}`, 'transfer-encoding': 'chunked' } }, resolve);
      request.on('error', reject);
      request.write(body.slice(0, 10));
      setTimeout(() => request.end(body.slice(10)), 20);
    });
    received.resume();
    assert.equal(received.statusCode, 200);
    const last = upstream.received.at(-1)!;
    assert.equal(last.body.toString('utf8'), body);
    assert.equal(last.headers['content-length'], String(Buffer.byteLength(body)));
  });

  test('a declared Content-Length over the limit is refused with 413 before reading', async () => {
    await nothingReached(async () => {
      const response = await post(Buffer.alloc(LIMIT + 1, 0x20));
      assert.equal(response.status, 413);
      const body = response.json();
      assert.equal(body.jsonrpc, '2.0');
      assert.equal(body.id, null);
      assert.equal(body.error.data.code, 'GW_BODY_TOO_LARGE');
    });
  });

  test('a chunked body that grows past the limit is refused with 413', async () => {
    await nothingReached(async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(`${stack.gateway.url}/echo/mcp`);
        const request = http.request(url, { method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < LIMIT * 2) {
            sent += chunk.length;
            if (!request.write(chunk)) return void request.once('drain', pump);
          }
          request.end();
        };
        pump();
      });
      assert.equal(status, 413);
    });
  });

  test('malformed JSON answers 400 with -32700 and reaches neither the auth-server nor the upstream', async () => {
    await nothingReached(async () => {
      const response = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
      assert.equal(response.status, 400);
      const body = response.json();
      assert.equal(body.error.code, JSONRPC_PARSE_ERROR);
      assert.equal(body.error.data.code, 'GW_PARSE_ERROR');
      assert.equal(body.id, null);
    });
  });

  test('an invalid JSON-RPC request answers 400 with -32600 and its id', async () => {
    await nothingReached(async () => {
      const response = await post(JSON.stringify({ jsonrpc: '1.0', id: 42, method: 'tools/list' }));
      assert.equal(response.status, 400);
      const body = response.json();
      assert.equal(body.error.code, JSONRPC_INVALID_REQUEST);
      assert.equal(body.id, 42);
    });
    await nothingReached(async () => {
      const response = await post('[]');
      assert.equal(response.status, 400);
      assert.equal(response.json().error.code, JSONRPC_INVALID_REQUEST);
    });
  });

  test('gateway errors for a JSON-RPC POST carry the request id', async () => {
    stack.auth.answer = () => ({ status: 500 });
    try {
      const response = await post(JSON.stringify({ jsonrpc: '2.0', id: 'req-9', method: 'tools/list' }));
      assert.equal(response.status, 503);
      const body = response.json();
      assert.equal(body.id, 'req-9');
      assert.equal(body.error.data.code, 'GW_AUTH_UNAVAILABLE');
    } finally {
      stack.auth.answer = () => 'verify';
    }
  });

  test('a request that is not valid HTTP gets a plain JSON 400 and the connection closes', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(stack.gateway.port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code, 'GW_MALFORMED_REQUEST');
  });
});
