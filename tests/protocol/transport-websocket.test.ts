import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../support/stack.js';
import { openWebSocket, startWebSocketEcho, type WebSocketEcho } from '../support/websocket.js';

describe('WebSocket pass-through with the real auth-server', () => {
  let stack: Stack;
  let upstream: WebSocketEcho;

  before(async () => {
    upstream = await startWebSocketEcho();
    stack = await startStack();
    const registered = await stack.register({ server_name: 'ws echo', path: '/wsecho', proxy_pass_url: `${upstream.url}/`, supported_transports: ['websocket'] });
    assert.equal(registered.status, 201);
    await stack.waitForRoute('/wsecho');
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const url = () => `${stack.gateway.url}/wsecho/ws`;

  test('a caller with a scope for the server upgrades, and frames pass both ways', async () => {
    const socket = await openWebSocket(url(), { authorization: `Bearer ${stack.adminToken}`, 'x-groups': 'spoofed' });
    assert.equal(socket.opened, true);
    if (!socket.opened) return;
    try {
      socket.send('over the gateway');
      assert.equal(await socket.next(), 'echo: over the gateway');
      const seen = upstream.upgrades.at(-1)!;
      assert.equal(seen['x-user'], 'admin');
      assert.equal(seen['x-groups'], 'mcp-registry-admin');
      assert.equal(seen.authorization, undefined);
    } finally {
      socket.close();
      await socket.closed;
    }
  });

  test('no token: 401 with a challenge; a caller without a scope for the server: 403', async () => {
    const before = upstream.upgrades.length;
    const anonymous = await openWebSocket(url());
    assert.equal(anonymous.opened, false);
    if (anonymous.opened) return;
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
    assert.equal(JSON.parse(anonymous.body).error.code, 'GW_UNAUTHENTICATED');

    const outsider = await openWebSocket(url(), { authorization: `Bearer ${await stack.mint.token('bob', ['mcp-registry-user'])}` });
    assert.equal(outsider.opened, false);
    if (outsider.opened) return;
    assert.equal(outsider.status, 403);
    assert.equal(JSON.parse(outsider.body).error.code, 'GW_FORBIDDEN');
    assert.equal(upstream.upgrades.length, before, 'no refused upgrade reached the upstream');
  });
});
