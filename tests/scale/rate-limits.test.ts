import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RATE_LIMIT_HEADER } from '@mcpgw/lib/check/check-contract.js';
import type { Route } from '@mcpgw/lib/routes/route-table.js';
import type { GatewayOptions } from '../../gateway/src/start-gateway.js';
import { startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route } from '../gateway/support/route-feed-server.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { freePort } from '../support/free-port.js';
import { skipWithoutRedis, TEST_REDIS_URL, uniqueKeyPrefix } from './support/redis.js';

const redisSkip = await skipWithoutRedis();

describe('rate limits', () => {
  let upstream: RecordingUpstream;
  const stacks: GatewayStack[] = [];
  const start = async (routes: Route[], options: Partial<GatewayOptions> = {}) => {
    const stack = await startGatewayStack(routes, options);
    stacks.push(stack);
    return stack;
  };
  const limited = (path: string, rateLimit: Route['rateLimit']): Route => ({ ...route(path, `${upstream.url}/`), rateLimit });

  before(async () => {
    upstream = await startRecordingUpstream();
  });
  after(async () => {
    for (const stack of stacks) await stack.close();
    await upstream.close();
  });

  let nextId = 1;
  const call = (gatewayUrl: string, path: string, token: string, tool = 'forecast') =>
    rawRequest(`${gatewayUrl}${path}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: tool, arguments: {} } }),
    });
  const statuses = async (count: number, send: () => Promise<{ status: number }>) => {
    const seen: number[] = [];
    for (let i = 0; i < count; i += 1) seen.push((await send()).status);
    return seen;
  };

  test('a server limit answers 429 with Retry-After and a JSON-RPC error carrying the request id', async () => {
    const stack = await start([limited('/weather', { server: { requests: 3, per_seconds: 3600 } })]);
    assert.deepEqual(await statuses(3, () => call(stack.gateway.url, '/weather', stack.token)), [200, 200, 200]);
    const before = upstream.received.length;
    const refused = await call(stack.gateway.url, '/weather', stack.token);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1, 'Retry-After is a whole number of seconds');
    const body = refused.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, nextId - 1);
    assert.equal(body.error.data.code, 'GW_RATE_LIMITED');
    assert.equal(body.error.data.limit, 'server');
    assert.equal(upstream.received.length, before, 'a refused request never reaches the upstream');
    const bob = await stack.mint.token('bob', ['users']);
    assert.equal((await call(stack.gateway.url, '/weather', bob)).status, 429, 'the server limit holds for every caller together');
  });

  test('a caller limit keeps each caller to its own bucket', async () => {
    const stack = await start([limited('/weather', { caller: { requests: 2, per_seconds: 3600 } })]);
    const bob = await stack.mint.token('bob', ['users']);
    assert.deepEqual(await statuses(3, () => call(stack.gateway.url, '/weather', stack.token)), [200, 200, 429]);
    assert.deepEqual(await statuses(2, () => call(stack.gateway.url, '/weather', bob)), [200, 200]);
    assert.equal((await call(stack.gateway.url, '/weather', bob)).json().error.data.limit, 'caller');
  });

  test('a tool limit counts only calls of that tool', async () => {
    const stack = await start([limited('/weather', { tools: { forecast: { requests: 1, per_seconds: 3600 } } })]);
    assert.equal((await call(stack.gateway.url, '/weather', stack.token, 'forecast')).status, 200);
    const refused = await call(stack.gateway.url, '/weather', stack.token, 'forecast');
    assert.equal(refused.status, 429);
    assert.equal(refused.json().error.data.limit, 'tool');
    assert.deepEqual(await statuses(3, () => call(stack.gateway.url, '/weather', stack.token, 'alerts')), [200, 200, 200]);
  });

  test('a batch takes one token of a tool limit per call of that tool; a larger batch empties the bucket', async () => {
    const stack = await start([limited('/weather', { tools: { forecast: { requests: 3, per_seconds: 3600 } } })]);
    const batch = (count: number) =>
      rawRequest(`${stack.gateway.url}/weather/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(Array.from({ length: count }, () => ({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'forecast' } }))),
      });
    assert.equal((await batch(2)).status, 200);
    assert.equal((await batch(2)).status, 429, 'two calls do not fit the one token left; none is taken');
    assert.equal((await batch(1)).status, 200);
    assert.equal((await batch(1)).status, 429);
    const fresh = await start([limited('/weather', { tools: { forecast: { requests: 2, per_seconds: 3600 } } })]);
    const big = await rawRequest(`${fresh.gateway.url}/weather/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fresh.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 5 }, () => ({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'forecast' } }))),
    });
    assert.equal(big.status, 200, 'a batch larger than the bucket goes when the bucket is full');
    assert.equal((await call(fresh.gateway.url, '/weather', fresh.token)).status, 429, 'and leaves it empty');
  });

  test('a group limit from the auth-server holds across servers', async () => {
    const stack = await start([route('/weather', `${upstream.url}/`), route('/news', `${upstream.url}/`)]);
    stack.auth.extraHeaders = { [RATE_LIMIT_HEADER]: '3/3600' };
    const seen = [
      ...(await statuses(2, () => call(stack.gateway.url, '/weather', stack.token))),
      ...(await statuses(2, () => call(stack.gateway.url, '/news', stack.token))),
    ];
    assert.deepEqual(seen, [200, 200, 200, 429]);
    const refused = await call(stack.gateway.url, '/weather', stack.token);
    assert.equal(refused.json().error.data.limit, 'group');
  });

  test('a route without limits is never limited', async () => {
    const stack = await start([route('/weather', `${upstream.url}/`)]);
    assert.ok((await statuses(20, () => call(stack.gateway.url, '/weather', stack.token))).every((status) => status === 200));
  });

  test('with Redis, a limit holds across two gateways', { skip: redisSkip }, async () => {
    const keyPrefix = uniqueKeyPrefix();
    const routes = [limited('/weather', { caller: { requests: 10, per_seconds: 3600 } })];
    const first = await start(routes, { redis: { url: TEST_REDIS_URL, keyPrefix } });
    const second = await start(routes, { redis: { url: TEST_REDIS_URL, keyPrefix } });
    const token = await first.mint.token('alice', ['users']);
    const secondToken = await second.mint.token('alice', ['users']);
    const seen: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      seen.push((await call(first.gateway.url, '/weather', token)).status);
      seen.push((await call(second.gateway.url, '/weather', secondToken)).status);
    }
    assert.equal(seen.filter((status) => status === 200).length, 10, 'ten requests in all, whichever gateway took them');
    assert.deepEqual(seen.slice(10), [429, 429, 429, 429, 429, 429]);
  });

  test('with Redis unreachable, fail-open limits with the gateway\'s own buckets', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const stack = await start([limited('/weather', { caller: { requests: 2, per_seconds: 3600 } })], { redis: { url: deadRedis, keyPrefix: uniqueKeyPrefix() } });
    assert.deepEqual(await statuses(3, () => call(stack.gateway.url, '/weather', stack.token)), [200, 200, 429]);
  });

  test('with Redis unreachable, fail-closed refuses limited requests with 503 and lets others through', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const stack = await start(
      [limited('/weather', { caller: { requests: 2, per_seconds: 3600 } }), route('/news', `${upstream.url}/`)],
      { redis: { url: deadRedis, keyPrefix: uniqueKeyPrefix() }, rateLimitOnRedisFailure: 'closed' },
    );
    const refused = await call(stack.gateway.url, '/weather', stack.token);
    assert.equal(refused.status, 503);
    assert.equal(refused.json().error.data.code, 'GW_RATE_LIMIT_UNAVAILABLE');
    assert.equal((await call(stack.gateway.url, '/news', stack.token)).status, 200);
  });
});
