import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeMessageHeaders } from '@mcpgw/lib/check/check-contract.js';
import { startGateway } from '../../gateway/src/start-gateway.js';
import { silentLogger, startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { freePort } from '../support/free-port.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route, startRouteFeed, TEST_INTERNAL_TOKEN } from './support/route-feed-server.js';

describe('the access check', () => {
  let stack: GatewayStack;
  let upstream: RecordingUpstream;

  before(async () => {
    upstream = await startRecordingUpstream();
    stack = await startGatewayStack([route('/team/weather', `${upstream.url}/`)], { authTimeoutMs: 300 });
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    rawRequest(`${stack.gateway.url}/team/weather/mcp?trace=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json', host: 'gw.example:8000', ...headers },
      body: JSON.stringify(body),
    });
  const lastCheck = () => stack.auth.calls.at(-1)!;
  const described = () => decodeMessageHeaders((name) => lastCheck()[name] as string | undefined);

  test('sends the original URL, method, server path, request id and credentials', async () => {
    const response = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { 'x-request-id': 'trace-123', cookie: 'session=abc' });
    assert.equal(response.status, 200);
    const check = lastCheck();
    assert.equal(check['x-original-url'], 'http://gw.example:8000/team/weather/mcp?trace=1');
    assert.equal(check['x-original-method'], 'POST');
    assert.equal(check['x-server-path'], '/team/weather');
    assert.equal(check['x-request-id'], 'trace-123');
    assert.equal(check.authorization, `Bearer ${stack.token}`);
    assert.equal(check.cookie, 'session=abc');
  });

  test('describes a single message by method, and a tools/call by its tool', async () => {
    await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get weather, now', arguments: {} } });
    assert.equal(lastCheck()['x-mcp-method'], 'tools%2Fcall');
    assert.equal(lastCheck()['x-mcp-tool'], 'get%20weather%2C%20now');
    assert.deepEqual(described(), { messages: [{ method: 'tools/call', tool: 'get weather, now' }], batch: false });
  });

  test('describes a batch as `batch` with every method and tool', async () => {
    await post([
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'forecast' } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 'srv-1', result: {} },
    ]);
    assert.equal(lastCheck()['x-mcp-method'], 'batch');
    assert.deepEqual(described(), {
      batch: true,
      messages: [{ method: 'tools/list' }, { method: 'tools/call', tool: 'forecast' }, { method: 'notifications/initialized' }, {}],
    });
  });

  test('a GET or DELETE is checked with its method and no message headers', async () => {
    for (const method of ['GET', 'DELETE']) {
      await rawRequest(`${stack.gateway.url}/team/weather/mcp`, { method, headers: { authorization: `Bearer ${stack.token}` } });
      assert.equal(lastCheck()['x-original-method'], method);
      assert.equal(lastCheck()['x-mcp-method'], undefined);
    }
  });

  test('401 carries the auth-server challenge and GW_UNAUTHENTICATED; nothing is forwarded', async () => {
    const reached = upstream.received.length;
    const missing = await post({ jsonrpc: '2.0', id: 5, method: 'tools/list' }, { authorization: '' });
    assert.equal(missing.status, 401);
    assert.match(String(missing.headers['www-authenticate']), /^Bearer realm="/);
    assert.equal(missing.json().id, 5);
    assert.equal(missing.json().error.data.code, 'GW_UNAUTHENTICATED');

    const forged = await rawRequest(`${stack.gateway.url}/team/weather/mcp`, {
      headers: { authorization: `Bearer ${await stack.mint.forged('mallory', ['admins'])}` },
    });
    assert.equal(forged.status, 401);
    assert.match(String(forged.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(forged.json().error.code, 'GW_UNAUTHENTICATED');
    assert.equal(upstream.received.length, reached);
  });

  test('403 carries the auth-server reason in data; nothing is forwarded', async () => {
    const reached = upstream.received.length;
    const reason = { error: { code: 'AUTH_FORBIDDEN_TOOL', message: 'no', tool: 'forecast' } };
    stack.auth.answer = () => ({ status: 403, body: reason });
    try {
      const rpc = await post({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'forecast' } });
      assert.equal(rpc.status, 403);
      assert.equal(rpc.json().id, 6);
      assert.equal(rpc.json().error.data.code, 'GW_FORBIDDEN');
      assert.deepEqual(rpc.json().error.data.reason, reason);
      const plain = await rawRequest(`${stack.gateway.url}/team/weather/mcp`, { headers: { authorization: `Bearer ${stack.token}` } });
      assert.equal(plain.status, 403);
      assert.equal(plain.json().error.code, 'GW_FORBIDDEN');
      assert.deepEqual(plain.json().error.reason, reason);
    } finally {
      stack.auth.answer = () => 'verify';
    }
    assert.equal(upstream.received.length, reached);
  });

  const failClosed: Array<[string, () => ReturnType<GatewayStack['auth']['answer']>]> = [
    ['a 500', () => ({ status: 500, body: { error: 'boom' } })],
    ['a 502', () => ({ status: 502 })],
    ['a 404', () => ({ status: 404 })],
    ['a 302', () => ({ status: 302, headers: { location: 'http://127.0.0.1:1/login' } })],
    ['no answer within AUTH_TIMEOUT_MS', () => 'hang'],
  ];
  for (const [name, answer] of failClosed) {
    test(`fails closed with 503 GW_AUTH_UNAVAILABLE on ${name}`, async () => {
      const reached = upstream.received.length;
      stack.auth.answer = answer;
      try {
        const response = await post({ jsonrpc: '2.0', id: 8, method: 'tools/list' });
        assert.equal(response.status, 503);
        assert.equal(response.json().error.data.code, 'GW_AUTH_UNAVAILABLE');
      } finally {
        stack.auth.answer = () => 'verify';
      }
      assert.equal(upstream.received.length, reached);
    });
  }
});

test('fails closed with 503 when the auth-server refuses connections', async () => {
  const upstream = await startRecordingUpstream();
  const feed = await startRouteFeed([route('/echo', `${upstream.url}/`)]);
  const port = await freePort();
  const gateway = await startGateway({
    port: 0,
    authUrl: `http://127.0.0.1:${port}`,
    registryUrl: feed.url,
    internalToken: TEST_INTERNAL_TOKEN,
    routesPollMs: 20,
    logger: silentLogger,
  });
  try {
    let response;
    do {
      response = await rawRequest(`${gateway.url}/echo/mcp`, { headers: { authorization: 'Bearer x' } });
    } while (response.json().error?.code === 'GW_ROUTES_UNAVAILABLE');
    assert.equal(response.status, 503);
    assert.equal(response.json().error.code, 'GW_AUTH_UNAVAILABLE');
    assert.equal(upstream.received.length, 0);
  } finally {
    await gateway.close();
    await Promise.all([feed.close(), upstream.close()]);
  }
});
