import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { startGatewayStack, waitFor, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route } from '../gateway/support/route-feed-server.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';

describe('graceful drain', () => {
  let upstream: RecordingUpstream;
  let stack: GatewayStack | undefined;
  let openGate: () => void = () => {};

  afterEach(async () => {
    openGate();
    await stack?.close();
    stack = undefined;
    await upstream.close();
  });

  const startWith = async (drainTimeoutMs: number) => {
    upstream = await startRecordingUpstream();
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    upstream.handler = (request, res) => {
      if (request.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 1\ndata: {"jsonrpc":"2.0","method":"notifications/message"}\n\n');
        return;
      }
      void gate.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{"slow":true}}'));
    };
    stack = await startGatewayStack([route('/slow', `${upstream.url}/`)], { drainTimeoutMs, sseKeepAliveMs: 0 });
    return stack;
  };
  const auth = (gateway: GatewayStack) => ({ authorization: `Bearer ${gateway.token}` });
  const slowCall = (gateway: GatewayStack) =>
    rawRequest(`${gateway.gateway.url}/slow/mcp`, {
      method: 'POST',
      headers: { ...auth(gateway), 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}',
    });
  const refusesConnections = (url: string) =>
    new Promise<boolean>((resolve) => {
      const request = http.get(`${url}/health`, { agent: false }, (response) => {
        response.resume();
        resolve(false);
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });

  test('stops accepting, ends event streams cleanly and lets a request in flight finish', async () => {
    const gateway = await startWith(60_000);
    const inFlight = slowCall(gateway);
    const stream = await fetch(`${gateway.gateway.url}/slow/mcp`, { headers: { ...auth(gateway), accept: 'text/event-stream' } });
    assert.equal(stream.status, 200);
    const streamText = stream.text();
    await waitFor(() => upstream.received.length === 2);

    const closed = gateway.gateway.close();
    assert.match(await streamText, /notifications\/message/, 'the event stream ends cleanly, with what it carried');
    await waitFor(() => refusesConnections(gateway.gateway.url));

    openGate();
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json(), { jsonrpc: '2.0', id: 1, result: { slow: true } }, 'the request in flight completed during the drain');
    await closed;
  });

  test('a request still running when the drain time is up is cut', async () => {
    const gateway = await startWith(100);
    const inFlight = slowCall(gateway).then(
      () => 'answered',
      () => 'cut',
    );
    await waitFor(() => upstream.received.length === 1);
    await gateway.gateway.close();
    assert.equal(await inFlight, 'cut');
  });

  test('a kept-alive connection with a request in flight is closed once that request is answered', async () => {
    const gateway = await startWith(60_000);
    const { port } = new URL(gateway.gateway.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let received = '';
    let endedByServer = false;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('end', () => (endedByServer = true));
    const gone = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}';
    socket.write(
      `POST /slow/mcp HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nAuthorization: Bearer ${gateway.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await waitFor(() => upstream.received.length === 1);
    const closed = gateway.gateway.close();
    openGate();
    await gone;
    await closed;
    assert.match(received, /^HTTP\/1\.1 200/);
    assert.match(received, /\r\nconnection: close\r\n/i, 'the answer asks the client not to reuse the connection');
    assert.match(received, /"slow":true/);
    assert.ok(endedByServer, 'the gateway closed the connection rather than wait for the keep-alive timeout');
  });
});
