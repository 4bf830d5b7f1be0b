import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../support/free-port.js';
import { openWebSocket, startWebSocketEcho, type WebSocketAttempt, type WebSocketEcho } from '../support/websocket.js';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { route } from './support/route-feed-server.js';

function refused(attempt: WebSocketAttempt): { status: number; code: unknown; headers: Record<string, unknown>; body: string } {
  assert.equal(attempt.opened, false, 'the upgrade should have been refused');
  if (attempt.opened) throw new Error('unreachable');
  let code: unknown;
  try {
    code = (JSON.parse(attempt.body) as { error?: { code?: unknown } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: attempt.status, code, headers: attempt.headers, body: attempt.body };
}

describe('WebSocket upgrades through the gateway', () => {
  let stack: GatewayStack;
  let upstream: WebSocketEcho;
  let deadPort: number;

  before(async () => {
    upstream = await startWebSocketEcho();
    deadPort = await freePort();
    stack = await startGatewayStack(
      [
        route('/ws', `${upstream.url}/`),
        { ...route('/ws-slow', `${upstream.url}/`), timeoutSeconds: 1 },
        route('/ws-dead', `http://127.0.0.1:${deadPort}/`),
      ],
      { allowedOrigins: ['https://app.example.com'] },
    );
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const url = (path: string) => `${stack.gateway.url}${path}`;
  const auth = () => ({ authorization: `Bearer ${stack.token}` });

  test('an allowed upgrade is checked like a GET, carries only the auth-server identity, and frames pass both ways', async () => {
    upstream.mode = 'echo';
    const checks = stack.auth.calls.length;
    const socket = await openWebSocket(url('/ws/socket?room=1'), { ...auth(), 'x-user': 'mallory', x_scopes: 'everything', origin: 'https://app.example.com' });
    assert.equal(socket.opened, true);
    if (!socket.opened) return;
    try {
      assert.equal(socket.headers['x-upstream'], 'ws-echo', "the upstream's 101 headers reach the client");
      socket.send('hello');
      assert.equal(await socket.next(), 'echo: hello');
      socket.send('x'.repeat(300));
      assert.equal(await socket.next(), `echo: ${'x'.repeat(300)}`);

      const check = stack.auth.calls[checks]!;
      assert.equal(check['x-original-method'], 'GET');
      assert.equal(check['x-server-path'], '/ws');
      assert.equal(check.authorization, `Bearer ${stack.token}`);
      assert.equal(check['x-mcp-method'], undefined);

      const seen = upstream.upgrades.at(-1)!;
      assert.equal(seen.upgrade, 'websocket');
      assert.match(String(seen.connection), /upgrade/i);
      assert.ok(seen['sec-websocket-key']);
      assert.equal(seen['x-user'], 'alice', 'the identity the auth-server answered with');
      assert.equal(seen['x-scopes'], '');
      assert.equal(seen['x_scopes'], undefined);
      assert.equal(seen.authorization, undefined, 'the ingress token never reaches the upstream');
      assert.ok(seen['x-request-id']);
    } finally {
      socket.close();
      await socket.closed;
    }
  });

  test('an upgrade without a token gets 401 with a challenge on the socket and reaches nothing', async () => {
    const before = upstream.upgrades.length;
    const answer = refused(await openWebSocket(url('/ws/socket')));
    assert.equal(answer.status, 401);
    assert.equal(answer.code, 'GW_UNAUTHENTICATED');
    assert.match(String(answer.headers['www-authenticate']), /^Bearer/);
    assert.ok(answer.headers['x-request-id']);
    assert.equal(upstream.upgrades.length, before);
  });

  test('an upgrade the auth-server forbids gets 403, and an auth-server failure 503', async () => {
    const before = upstream.upgrades.length;
    stack.auth.answer = () => ({ status: 403, body: { error: { code: 'AUTH_FORBIDDEN' } } });
    try {
      const forbidden = refused(await openWebSocket(url('/ws/socket'), auth()));
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.code, 'GW_FORBIDDEN');
      stack.auth.answer = () => ({ status: 500 });
      const failing = refused(await openWebSocket(url('/ws/socket'), auth()));
      assert.equal(failing.status, 503);
      assert.equal(failing.code, 'GW_AUTH_UNAVAILABLE');
    } finally {
      stack.auth.answer = () => 'verify';
    }
    assert.equal(upstream.upgrades.length, before);
  });

  test('an Origin that is not allowed gets 403 before any auth check', async () => {
    const checks = stack.auth.calls.length;
    const answer = refused(await openWebSocket(url('/ws/socket'), { ...auth(), origin: 'https://evil.example.com' }));
    assert.equal(answer.status, 403);
    assert.equal(answer.code, 'GW_ORIGIN_FORBIDDEN');
    assert.equal(stack.auth.calls.length, checks);
  });

  test('unknown paths, unreachable and silent upstreams, and non-WebSocket upgrades get gateway errors', async () => {
    const unknown = refused(await openWebSocket(url('/nowhere/socket'), auth()));
    assert.deepEqual([unknown.status, unknown.code], [404, 'GW_ROUTE_NOT_FOUND']);

    const dead = refused(await openWebSocket(url('/ws-dead/socket'), auth()));
    assert.deepEqual([dead.status, dead.code], [502, 'GW_UPSTREAM_UNREACHABLE']);

    upstream.mode = 'hang';
    try {
      const silent = refused(await openWebSocket(url('/ws-slow/socket'), auth()));
      assert.deepEqual([silent.status, silent.code], [504, 'GW_UPSTREAM_TIMEOUT'], "the route's own timeoutSeconds applies");
    } finally {
      upstream.mode = 'echo';
    }

    const h2c = refused(await openWebSocket(url('/ws/socket'), { ...auth(), upgrade: 'h2c' }));
    assert.deepEqual([h2c.status, h2c.code], [400, 'GW_UPGRADE_UNSUPPORTED']);
  });

  test("an upstream's own refusal of the upgrade is relayed as it came", async () => {
    upstream.mode = 'refuse';
    try {
      const answer = refused(await openWebSocket(url('/ws/socket'), auth()));
      assert.equal(answer.status, 403);
      assert.equal(answer.body, 'upstream refuses');
    } finally {
      upstream.mode = 'echo';
    }
  });

  test('close() ends open WebSocket connections', async () => {
    const local = await startGatewayStack([route('/ws', `${upstream.url}/`)]);
    try {
      const socket = await openWebSocket(`${local.gateway.url}/ws/socket`, { authorization: `Bearer ${local.token}` });
      assert.equal(socket.opened, true);
      if (!socket.opened) return;
      socket.send('ping');
      assert.equal(await socket.next(), 'echo: ping');
      await local.gateway.close();
      await socket.closed;
    } finally {
      await local.close();
    }
  });
});
