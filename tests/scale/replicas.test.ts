import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import type { Route } from '@mcpgw/lib/routes/route-table.js';
import type { GatewayOptions } from '../../gateway/src/start-gateway.js';
import type { BreakerChange } from '../../gateway/src/upstreams/upstream-pool.js';
import { startGatewayStack, waitFor, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route } from '../gateway/support/route-feed-server.js';
import { startReplicaUpstream, type ReplicaUpstream } from './support/replica-upstream.js';

describe('upstream replicas', () => {
  let first: ReplicaUpstream;
  let second: ReplicaUpstream;
  let stack: GatewayStack | undefined;
  let changes: BreakerChange[];
  let clockMs = 0;

  beforeEach(async () => {
    first = await startReplicaUpstream('first');
    second = await startReplicaUpstream('second');
    changes = [];
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    await Promise.all([first.close(), second.close()]);
  });
  after(() => {});

  const replicated = (): Route => ({ ...route('/weather', `${first.url}/`), proxyPassUrls: [`${first.url}/`, `${second.url}/`] });
  const start = async (options: Partial<GatewayOptions> = {}) => {
    stack = await startGatewayStack([replicated()], { onBreakerChange: (change) => changes.push(change), breakerClock: () => clockMs, ...options });
    return stack;
  };

  let nextId = 1;
  const send = (gateway: GatewayStack, method: string, tool?: string) =>
    rawRequest(`${gateway.gateway.url}/weather/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, ...(tool ? { params: { name: tool, arguments: {} } } : {}) }),
    });

  test('requests go to the replica with the fewest outstanding', async () => {
    const gateway = await start();
    first.holdTool = 'slow';
    second.holdTool = 'slow';
    const slow = send(gateway, 'tools/call', 'slow');
    await waitFor(() => first.received.length + second.received.length === 1);
    const busy = first.received.length === 1 ? first : second;
    const idle = busy === first ? second : first;
    for (let i = 0; i < 5; i += 1) assert.equal((await send(gateway, 'tools/call', 'quick')).status, 200);
    assert.deepEqual(busy.received, ['tools/call:slow'], 'the busy replica gets nothing while its request is outstanding');
    assert.equal(idle.received.length, 5);
    busy.release();
    assert.equal((await slow).status, 200);
    for (let i = 0; i < 4; i += 1) await send(gateway, 'tools/call', 'quick');
    assert.ok(busy.received.length > 1, 'once answered, the replica is back in the balance');
  });

  test('tools/call is never retried on another replica; an idempotent read is', async () => {
    const gateway = await start({ breaker: { failureThreshold: 100, coolDownMs: 60_000 } });
    await second.stop();
    const calls = [];
    for (let i = 0; i < 6; i += 1) calls.push((await send(gateway, 'tools/call', 'book_flight')).status);
    const failed = calls.filter((status) => status === 502).length;
    assert.ok(failed > 0, 'calls that met the dead replica fail');
    assert.equal(first.received.filter((label) => label === 'tools/call:book_flight').length, calls.length - failed, 'no call reached the live replica twice');
    for (let i = 0; i < 6; i += 1) assert.equal((await send(gateway, 'tools/list')).status, 200, 'a list request that met the dead replica went to the other');
  });

  test('a failing replica is taken out of rotation and comes back after a successful probe', async () => {
    const gateway = await start({ breaker: { failureThreshold: 2, coolDownMs: 10_000 } });
    await second.stop();
    for (let i = 0; i < 6; i += 1) assert.equal((await send(gateway, 'tools/list')).status, 200);
    assert.deepEqual(changes.map(({ replica, to }) => `${replica}:${to}`), ['1:open']);
    const before = first.received.length;
    for (let i = 0; i < 4; i += 1) assert.equal((await send(gateway, 'tools/call', 'quick')).status, 200, 'no call goes to the ejected replica');
    assert.equal(first.received.length, before + 4);

    clockMs += 9_000;
    for (let i = 0; i < 4; i += 1) await send(gateway, 'tools/call', 'quick');
    assert.equal(second.received.length, 0, 'no probe before the cool-down ends');
    await second.restart();
    clockMs += 1_000;
    assert.equal((await send(gateway, 'tools/list')).status, 200);
    await send(gateway, 'tools/list');
    assert.ok(second.received.length > 0, 'the probe reached the replica');
    assert.deepEqual(changes.map(({ replica, to }) => `${replica}:${to}`), ['1:open', '1:half-open', '1:closed']);
    const seen = second.received.length;
    for (let i = 0; i < 6; i += 1) await send(gateway, 'tools/call', 'quick');
    assert.ok(second.received.length > seen, 'the replica is back in rotation');
  });

  test('a probe that fails keeps the replica out for another cool-down', async () => {
    const gateway = await start({ breaker: { failureThreshold: 1, coolDownMs: 1_000 } });
    await second.stop();
    await waitFor(async () => {
      await send(gateway, 'tools/list');
      return changes.length > 0;
    });
    clockMs += 1_000;
    await waitFor(async () => {
      await send(gateway, 'tools/list');
      return changes.length >= 3;
    });
    assert.deepEqual(changes.map(({ to }) => to), ['open', 'half-open', 'open']);
    for (let i = 0; i < 4; i += 1) assert.equal((await send(gateway, 'tools/call', 'quick')).status, 200, 'out again: calls go to the live replica');
  });

  test('with every replica out of rotation the gateway answers 503 GW_NO_HEALTHY_UPSTREAM', async () => {
    const gateway = await start({ breaker: { failureThreshold: 1, coolDownMs: 60_000 } });
    await Promise.all([first.stop(), second.stop()]);
    await send(gateway, 'tools/call', 'x');
    await send(gateway, 'tools/call', 'x');
    const refused = await send(gateway, 'tools/call', 'x');
    assert.equal(refused.status, 503);
    assert.equal(refused.json().error.data.code, 'GW_NO_HEALTHY_UPSTREAM');
    assert.equal(refused.headers['retry-after'], '60', 'retry once a probe may go');
  });
});
