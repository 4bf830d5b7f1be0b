import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../support/free-port.js';
import { healthOf, startGatewayStack, waitFor, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { readToEnd, readUntil } from './support/read-stream.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route } from './support/route-feed-server.js';

const UPSTREAM_TIMEOUT_MS = 300;

describe('streaming proxying', () => {
  let stack: GatewayStack;
  let upstream: RecordingUpstream;
  let deadPort: number;

  before(async () => {
    upstream = await startRecordingUpstream();
    deadPort = await freePort();
    stack = await startGatewayStack(
      [route('/stream', `${upstream.url}/`), route('/base', `${upstream.url}/base`), route('/dead', `http://127.0.0.1:${deadPort}/`)],
      { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS },
    );
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const auth = () => ({ authorization: `Bearer ${stack.token}` });

  test('an SSE answer to a POST is streamed: the first event arrives before the upstream ends', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let upstreamEnded = false;
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"n":1}}\n\n');
      void released.then(() => {
        upstreamEnded = true;
        res.end('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
      });
    };
    const response = await fetch(`${stack.gateway.url}/stream/mcp`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(response.headers.get('content-encoding'), null);
    const reader = response.body!.getReader();
    const first = await readUntil(reader, (text) => text.includes('\n\n'));
    assert.match(first, /"n":1/);
    assert.equal(upstreamEnded, false);
    release();
    const all = await readToEnd(reader, first);
    assert.match(all, /"id":1,"result"/);
  });

  test('a GET SSE stream is opened, streamed and passes session headers both ways', async () => {
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'session-42' });
      res.write('id: 6\nevent: message\ndata: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n\n');
    };
    const controller = new AbortController();
    const response = await fetch(`${stack.gateway.url}/stream/mcp`, {
      headers: { ...auth(), accept: 'text/event-stream', 'mcp-session-id': 'session-42', 'mcp-protocol-version': '2025-06-18', 'last-event-id': '5' },
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('mcp-session-id'), 'session-42');
    const text = await readUntil(response.body!.getReader(), (sofar) => sofar.includes('\n\n'));
    assert.match(text, /^id: 6\nevent: message\ndata: .*list_changed/);
    const received = upstream.received.at(-1)!;
    assert.equal(received.method, 'GET');
    assert.equal(received.headers['mcp-session-id'], 'session-42');
    assert.equal(received.headers['mcp-protocol-version'], '2025-06-18');
    assert.equal(received.headers['last-event-id'], '5');
    controller.abort();
  });

  test('DELETE reaches the upstream with its session and the answer comes back', async () => {
    upstream.handler = (_request, res) => void res.writeHead(200, { 'mcp-session-id': 'session-42' }).end();
    const response = await rawRequest(`${stack.gateway.url}/stream/mcp`, { method: 'DELETE', headers: { ...auth(), 'mcp-session-id': 'session-42' } });
    assert.equal(response.status, 200);
    const received = upstream.received.at(-1)!;
    assert.equal(received.method, 'DELETE');
    assert.equal(received.headers['mcp-session-id'], 'session-42');
  });

  test('upstream 404 and 405 answers pass through untouched', async () => {
    for (const status of [404, 405]) {
      upstream.handler = (_request, res) =>
        void res.writeHead(status, { 'content-type': 'text/plain', 'x-upstream': 'yes', allow: 'POST' }).end(`upstream says ${status}`);
      const response = await rawRequest(`${stack.gateway.url}/stream/mcp`, { headers: auth() });
      assert.equal(response.status, status);
      assert.equal(response.headers['x-upstream'], 'yes');
      assert.equal(response.body.toString(), `upstream says ${status}`);
    }
  });

  test('an unreachable upstream answers 502 GW_UPSTREAM_UNREACHABLE', async () => {
    const response = await rawRequest(`${stack.gateway.url}/dead/mcp`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'ping' }),
    });
    assert.equal(response.status, 502);
    assert.equal(response.json().id, 'x');
    assert.equal(response.json().error.data.code, 'GW_UPSTREAM_UNREACHABLE');
  });

  test('no response headers within the upstream timeout answers 504 GW_UPSTREAM_TIMEOUT', async () => {
    upstream.handler = () => {};
    const response = await rawRequest(`${stack.gateway.url}/stream/mcp`, { headers: auth() });
    assert.equal(response.status, 504);
    assert.equal(response.json().error.code, 'GW_UPSTREAM_TIMEOUT');
  });

  test('a stream that started is never cut by the upstream timeout', async () => {
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      setTimeout(() => res.end('data: late\n\n'), UPSTREAM_TIMEOUT_MS * 2);
    };
    const response = await rawRequest(`${stack.gateway.url}/stream/mcp`, { headers: auth() });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'data: late\n\n');
  });

  test('a client that goes away mid-stream closes the upstream request and breaks nothing', async () => {
    let upstreamClosed = false;
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      res.on('close', () => (upstreamClosed = true));
    };
    const controller = new AbortController();
    const response = await fetch(`${stack.gateway.url}/stream/mcp`, { headers: auth(), signal: controller.signal });
    await readUntil(response.body!.getReader(), (text) => text.includes('first'));
    controller.abort();
    await waitFor(() => upstreamClosed);
    assert.equal((await healthOf(stack.gateway.url)).status, 'ok');
  });

  test('a client that goes away before the upstream answers closes the upstream request', async () => {
    let upstreamClosed = false;
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    upstream.handler = (_request, _res, req) => {
      req.socket.on('close', () => (upstreamClosed = true));
      arrived();
    };
    const controller = new AbortController();
    const pending = fetch(`${stack.gateway.url}/stream/mcp`, { headers: auth(), signal: controller.signal });
    await reached;
    controller.abort();
    await assert.rejects(pending);
    await waitFor(() => upstreamClosed);
    assert.equal((await healthOf(stack.gateway.url)).status, 'ok');
  });

  test('an upstream that dies mid-stream ends the client response', async () => {
    upstream.handler = (_request, res, req) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n', () => setTimeout(() => req.socket.destroy(), 20));
    };
    const response = await fetch(`${stack.gateway.url}/stream/mcp`, { headers: auth() });
    const reader = response.body!.getReader();
    await assert.rejects(readToEnd(reader));
    assert.equal((await healthOf(stack.gateway.url)).status, 'ok');
  });

  test('the legacy SSE endpoint event is rewritten to post back through the route', async () => {
    const cases: Array<[string, string, string]> = [
      ['/stream/sse', '/messages?sessionId=abc', '/stream/messages?sessionId=abc'],
      ['/base/sse', '/base/messages?sessionId=abc', '/base/messages?sessionId=abc'],
      ['/stream/sse', `${upstream.url}/messages?sessionId=abc`, '/stream/messages?sessionId=abc'],
      ['/stream/sse', 'http://elsewhere.example/messages', 'http://elsewhere.example/messages'],
    ];
    for (const [path, endpoint, expected] of cases) {
      upstream.handler = (_request, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: endpoint\r\ndata: ${endpoint}\r\n\r\n`);
        res.end('event: message\ndata: /messages?not-an-endpoint\n\n');
      };
      const response = await rawRequest(`${stack.gateway.url}${path}`, { headers: auth() });
      assert.equal(response.body.toString(), `event: endpoint\r\ndata: ${expected}\r\n\r\nevent: message\ndata: /messages?not-an-endpoint\n\n`, path);
    }
  });

  test('a notification answered 202 without a body passes as it came', async () => {
    upstream.handler = (_request, res) => void res.writeHead(202, { 'mcp-session-id': 'session-42' }).end();
    const response = await rawRequest(`${stack.gateway.url}/stream/mcp`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'mcp-session-id': 'session-42' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    assert.equal(response.status, 202);
    assert.equal(response.body.length, 0);
    assert.equal(response.headers['mcp-session-id'], 'session-42');
  });

  test('a session id of any visible ASCII passes both ways unchanged', async () => {
    const sessionId = `!"#$%&'()*+,-./09:;<=>?@AZ[\\]^_\`az{|}~`;
    upstream.handler = (request, res) => {
      const text = JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} });
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': String(request.headers['mcp-session-id']) }).end(text);
    };
    const response = await rawRequest(`${stack.gateway.url}/stream/mcp`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(response.status, 200);
    assert.equal(upstream.received.at(-1)!.headers['mcp-session-id'], sessionId);
    assert.equal(upstream.received.at(-1)!.headers['mcp-protocol-version'], '2025-11-25');
    assert.equal(response.headers['mcp-session-id'], sessionId);
  });

  test("a route's timeoutSeconds replaces the gateway's default for the response headers", async () => {
    const patient = await startGatewayStack([{ ...route('/patient', `${upstream.url}/`), timeoutSeconds: 30 }], { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
    try {
      upstream.handler = (_request, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), UPSTREAM_TIMEOUT_MS * 2);
      };
      const response = await rawRequest(`${patient.gateway.url}/patient/mcp`, { headers: { authorization: `Bearer ${patient.token}` } });
      assert.equal(response.status, 200);
    } finally {
      await patient.close();
    }
  });

  for (const [name, headersFirst] of [['mid-answer', true], ['before the answer started', false]] as const) {
    test(`a client that leaves a POST ${name} does not cut the upstream's answer short`, async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let arrived!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      let upstreamFinished: boolean | undefined;
      upstream.handler = (_request, res) => {
        res.on('close', () => (upstreamFinished = res.writableFinished));
        if (headersFirst) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\n\n');
        }
        arrived();
        void released.then(() => {
          if (!headersFirst) res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":2}}\n\n');
          res.end('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
        });
      };
      const controller = new AbortController();
      const pending = fetch(`${stack.gateway.url}/stream/mcp`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } }),
        signal: controller.signal,
      });
      await reached;
      if (headersFirst) await readUntil((await pending).body!.getReader(), (text) => text.includes('"progress":1'));
      controller.abort();
      if (!headersFirst) await assert.rejects(pending);
      // Time for the gateway to see the client go; the upstream answers only after that.
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await waitFor(() => upstreamFinished !== undefined);
      assert.equal(upstreamFinished, true, 'the upstream wrote its whole answer');
      assert.equal((await healthOf(stack.gateway.url)).status, 'ok');
    });
  }

  test('an idle event stream gets keep-alive comments between events, its own bytes unchanged', async () => {
    const KEEP_ALIVE_MS = 30;
    const local = await startGatewayStack([route('/stream', `${upstream.url}/`)], { sseKeepAliveMs: KEEP_ALIVE_MS });
    let halfway!: () => void;
    const startHalf = new Promise<void>((resolve) => (halfway = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const half = 'id: 42\nevent: message\n';
    const events = ['id: 41\nretry: 5000\ndata: \n\n', `${half}data: {"jsonrpc":"2.0","method":"a"}\n\n`, 'id: 43\ndata: {"n":3}\n\n'];
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(events[0]);
      void startHalf.then(() => res.write(half));
      void finished.then(() => {
        res.write(events[1]!.slice(half.length));
        res.end(events[2]);
      });
    };
    try {
      const response = await fetch(`${local.gateway.url}/stream/mcp`, { headers: { authorization: `Bearer ${local.token}`, 'last-event-id': '40' } });
      const reader = response.body!.getReader();
      let text = await readUntil(reader, (sofar) => sofar.includes(': keep-alive'));
      halfway();
      text = await readUntil(reader, (sofar) => sofar.includes(half), text);
      // Several keep-alive intervals with the event half sent: no comment may come inside it.
      await new Promise((resolve) => setTimeout(resolve, KEEP_ALIVE_MS * 5));
      finish();
      const all = await readToEnd(reader, text);
      assert.equal(all.replaceAll(': keep-alive\n\n', ''), events.join(''), 'the events arrive byte for byte');
      for (let at = all.indexOf(': keep-alive'); at !== -1; at = all.indexOf(': keep-alive', at + 1)) {
        assert.ok(at === 0 || all.slice(0, at).endsWith('\n\n'), `a comment inside an event at ${at}: ${JSON.stringify(all)}`);
      }
      assert.equal(upstream.received.at(-1)!.headers['last-event-id'], '40');
    } finally {
      await local.close();
    }
  });

  test('close() ends open GET event streams and resolves', async () => {
    const upstream2 = await startRecordingUpstream();
    const local = await startGatewayStack([route('/stream', `${upstream2.url}/`)]);
    upstream2.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    };
    try {
      const response = await fetch(`${local.gateway.url}/stream/mcp`, { headers: { authorization: `Bearer ${local.token}` } });
      const reader = response.body!.getReader();
      const opened = await readUntil(reader, (text) => text.includes('open'));
      const closing = local.gateway.close();
      assert.equal(await readToEnd(reader, opened), ': open\n\n');
      await closing;
    } finally {
      await local.close();
      await upstream2.close();
    }
  });
});
