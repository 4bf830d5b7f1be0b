import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route } from './support/route-feed-server.js';

describe('the decision cache', () => {
  let upstream: RecordingUpstream;
  const stacks: GatewayStack[] = [];
  const startWith = async (decisionCacheMs?: number) => {
    const stack = await startGatewayStack([route('/weather', `${upstream.url}/`)], decisionCacheMs === undefined ? {} : { decisionCacheMs });
    stacks.push(stack);
    return stack;
  };

  before(async () => {
    upstream = await startRecordingUpstream();
  });
  after(async () => {
    for (const stack of stacks) await stack.close();
    await upstream.close();
  });

  let nextId = 1;
  const call = (stack: GatewayStack, tool: string, token = stack.token, query = '') =>
    rawRequest(`${stack.gateway.url}/weather/mcp${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: tool, arguments: {} } }),
    });

  test('an identical check is answered from the cache; every request still reaches the upstream', async () => {
    const stack = await startWith(60_000);
    upstream.received.length = 0;
    for (let i = 0; i < 3; i += 1) assert.equal((await call(stack, 'forecast')).status, 200);
    assert.equal(stack.auth.calls.length, 1);
    assert.equal(upstream.received.length, 3);
    assert.equal(upstream.received[2]?.headers['x-user'], 'alice', 'the cached identity is set upstream');
  });

  test('another tool, another token or another URL is checked on its own', async () => {
    const stack = await startWith(60_000);
    await call(stack, 'forecast');
    await call(stack, 'alerts');
    await call(stack, 'forecast', await stack.mint.token('bob', ['users']));
    await call(stack, 'forecast', stack.token, '?access_token=x');
    assert.equal(stack.auth.calls.length, 4);
  });

  test('refusals are never cached', async () => {
    const stack = await startWith(60_000);
    stack.auth.answer = () => ({ status: 403, body: { error: { code: 'AUTHZ_TOOL_DENIED' } } });
    assert.equal((await call(stack, 'forecast')).status, 403);
    stack.auth.answer = () => 'verify';
    assert.equal((await call(stack, 'forecast')).status, 200);
    assert.equal(stack.auth.calls.length, 2);
  });

  test('an allow is reused only for its time', async () => {
    const stack = await startWith(20);
    await call(stack, 'forecast');
    await new Promise((resolve) => setTimeout(resolve, 60));
    stack.auth.answer = () => ({ status: 403, body: { error: { code: 'AUTHZ_TOOL_DENIED' } } });
    assert.equal((await call(stack, 'forecast')).status, 403, 'past its time the auth-server decides again');
  });

  test('without decisionCacheMs every request is checked', async () => {
    const stack = await startWith();
    await call(stack, 'forecast');
    await call(stack, 'forecast');
    assert.equal(stack.auth.calls.length, 2);
  });
});
