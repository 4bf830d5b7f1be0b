import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Response } from 'supertest';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH, routeTableSchema } from '@mcpgw/lib/routes/route-table.js';
import { registryBackends } from '../registry/support/registry-backends.js';
import { entry, startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';

function problemPaths(response: Response): string[] {
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.equal(response.body.error.code, 'REGISTRY_INVALID_SERVER');
  return (response.body.error.problems as Array<{ path: string }>).map((p) => p.path).sort();
}

const REPLICAS = ['http://127.0.0.1:9101/', 'http://127.0.0.1:9102/'];
const RATE_LIMIT = { server: { requests: 1000, per_seconds: 60 }, caller: { requests: 100, per_seconds: 60, burst: 20 }, tools: { book_flight: { requests: 5, per_seconds: 3600 } } };

for (const { backend, skip } of await registryBackends()) {
  describe(`server entries with replicas and rate limits (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    let auth: string;
    before(async () => {
      registry = await startTestRegistry(undefined, { backend });
      auth = `Bearer ${await registry.token(['admins'])}`;
    });
    after(() => registry.close());
    const api = {
      post: (url: string, body?: object) => registry.http().post(url).set('authorization', auth).send(body),
      get: (url: string) => registry.http().get(url).set('authorization', auth),
      patch: (url: string, body: object) => registry.http().patch(url).set('authorization', auth).send(body),
      delete: (url: string) => registry.http().delete(url).set('authorization', auth),
    };
    const feed = async () => {
      const response = await registry.http().get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, registry.internalToken).expect(200);
      return routeTableSchema.parse(response.body).routes;
    };
    beforeEach(async () => {
      for (const server of (await api.get('/api/servers')).body.servers as Array<{ path: string }>) await api.delete(`/api/servers${server.path}`).expect(204);
    });

    test('proxy_pass_urls and rate_limit are stored, answered and carried by the route feed', async () => {
      const created = await api.post('/api/servers', entry('/flights', { proxy_pass_urls: REPLICAS, rate_limit: RATE_LIMIT })).expect(201);
      assert.deepEqual(created.body.proxy_pass_urls, REPLICAS);
      assert.deepEqual(created.body.rate_limit, RATE_LIMIT);
      const route = (await feed()).find((r) => r.path === '/flights');
      assert.deepEqual(route?.proxyPassUrls, REPLICAS);
      assert.deepEqual(route?.rateLimit, RATE_LIMIT);
    });

    test('a rate limit without per_seconds gets the default of a minute', async () => {
      const created = await api.post('/api/servers', entry('/minute', { rate_limit: { caller: { requests: 30 } } })).expect(201);
      assert.deepEqual(created.body.rate_limit, { caller: { requests: 30, per_seconds: 60 } });
    });

    test('an entry without them is unchanged, and null removes them', async () => {
      const plain = await api.post('/api/servers', entry('/plain')).expect(201);
      assert.equal('proxy_pass_urls' in plain.body, false);
      assert.equal('rate_limit' in plain.body, false);
      await api.patch('/api/servers/plain', { proxy_pass_urls: REPLICAS, rate_limit: RATE_LIMIT }).expect(200);
      assert.deepEqual((await feed()).find((r) => r.path === '/plain')?.proxyPassUrls, REPLICAS);
      const cleared = await api.patch('/api/servers/plain', { proxy_pass_urls: null, rate_limit: null }).expect(200);
      assert.equal('proxy_pass_urls' in cleared.body, false);
      assert.equal('rate_limit' in cleared.body, false);
      const route = (await feed()).find((r) => r.path === '/plain');
      assert.equal(route?.proxyPassUrls ?? undefined, undefined);
      assert.equal(route?.rateLimit ?? undefined, undefined);
    });

    test('bad replicas and limits are refused with their paths', async () => {
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/bad', { proxy_pass_urls: ['ftp://x/', 'http://127.0.0.1:1/'] }))), ['proxy_pass_urls[0]']);
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/bad', { proxy_pass_urls: [REPLICAS[0], REPLICAS[0]] }))), ['proxy_pass_urls']);
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/bad', { proxy_pass_urls: ['http://169.254.169.254/'] }))), ['proxy_pass_urls[0]']);
      assert.deepEqual(
        problemPaths(await api.post('/api/servers', entry('/bad', { rate_limit: { server: { requests: 0 }, tools: { x: { requests: 1, per_seconds: 0 } }, other: {} } }))),
        ['rate_limit.other', 'rate_limit.server.requests', 'rate_limit.tools.x.per_seconds'],
      );
      assert.equal((await api.get('/api/servers/bad')).status, 404, 'nothing was stored');
    });
  });
}
