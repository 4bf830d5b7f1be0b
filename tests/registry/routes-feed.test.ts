import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { pino } from 'pino';
import request from 'supertest';
import { INTERNAL_TOKEN_HEADER, loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH, routeTableSchema } from '@mcpgw/lib/routes/route-table.js';
import { startRegistry } from '../../registry/src/start-registry.js';
import { makeTempDir } from '../support/temp-dir.js';
import { entry, startTestRegistry, TEST_SCOPES, type TestRegistry } from './support/test-registry.js';
import { registryBackends } from './support/registry-backends.js';

for (const { backend, skip } of await registryBackends()) {
  describe(`registry route feed, health and JWKS (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    let admin: string;

    before(async () => {
      registry = await startTestRegistry(undefined, { backend });
      admin = `Bearer ${await registry.token(['admins'])}`;
    });
    after(() => registry.close());

    const feed = () => registry.http().get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, registry.internalToken);

    test('GET /health answers without authentication', async () => {
      const response = await registry.http().get('/health').expect(200);
      assert.deepEqual(response.body, { status: 'ok' });
    });

    test('GET /.well-known/jwks.json publishes the public key that verifies registry tokens', async () => {
      const response = await registry.http().get('/.well-known/jwks.json').expect(200);
      const jwks = response.body as JSONWebKeySet;
      assert.equal(jwks.keys.length, 1);
      assert.equal('d' in (jwks.keys[0] as object), false, 'the private part must never be published');
      const token = await registry.token(['admins']);
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks));
      assert.equal(payload.sub, 'tester');
      await assert.rejects(jwtVerify(await registry.mint.forged('mallory', []), createLocalJWKSet(jwks)));
    });

    test('the feed needs the internal token', async () => {
      for (const headers of [{}, { [INTERNAL_TOKEN_HEADER]: 'wrong' }, { [INTERNAL_TOKEN_HEADER]: `${registry.internalToken}x` }, { authorization: admin }]) {
        const response = await registry.http().get(ROUTES_FEED_PATH).set(headers);
        assert.equal(response.status, 401);
        assert.equal(response.body.error.code, 'REGISTRY_INTERNAL_TOKEN_INVALID');
        assert.equal(response.body.routes, undefined);
      }
    });

    test('the feed answers the route table with its version as ETag, and 304 while nothing changed', async () => {
      await registry.http().post('/api/servers').set('authorization', admin).send(entry('/currenttime', { server_name: 'Current time', proxy_pass_url: 'http://127.0.0.1:8101/' })).expect(201);
      await registry.http().post('/api/servers').set('authorization', admin).send(entry('/team/weather', { proxy_pass_url: 'https://weather.example/mcp', enabled: false })).expect(201);

      const first = await feed().expect(200);
      const table = routeTableSchema.parse(first.body);
      assert.equal(first.headers.etag, `"${table.version}"`);
      assert.deepEqual(table.routes, [
        { path: '/currenttime', proxyPassUrl: 'http://127.0.0.1:8101/', enabled: true, serverName: 'Current time' },
        { path: '/team/weather', proxyPassUrl: 'https://weather.example/mcp', enabled: false, serverName: 'server /team/weather' },
      ]);

      const etag = first.headers.etag as string;
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const unchanged = await feed().set('if-none-match', ifNoneMatch);
        assert.equal(unchanged.status, 304, ifNoneMatch);
        assert.equal(unchanged.text, '');
        assert.equal(unchanged.headers.etag, etag);
      }
      assert.equal((await feed().set('if-none-match', '"stale"')).status, 200);
      await registry.http().get('/api/servers').set('authorization', admin).expect(200);
      assert.equal((await feed().set('if-none-match', etag)).status, 304, 'reads do not change the version');
    });

    test('every registration, edit, toggle and removal changes the version the feed reports', async () => {
      let etag = (await feed().expect(200)).headers.etag as string;
      const writes: Array<[string, () => Promise<unknown>, (routes: Array<{ path: string; enabled: boolean; proxyPassUrl: string }>) => void]> = [
        ['register', () => registry.http().post('/api/servers').set('authorization', admin).send(entry('/notes')).expect(201), (routes) => assert.ok(routes.some((r) => r.path === '/notes'))],
        ['patch', () => registry.http().patch('/api/servers/notes').set('authorization', admin).send({ proxy_pass_url: 'http://127.0.0.1:9999/x' }).expect(200), (routes) => assert.equal(routes.find((r) => r.path === '/notes')?.proxyPassUrl, 'http://127.0.0.1:9999/x')],
        ['toggle', () => registry.http().post('/api/servers/notes/toggle').set('authorization', admin).expect(200), (routes) => assert.equal(routes.find((r) => r.path === '/notes')?.enabled, false)],
        ['put', () => registry.http().put('/api/servers/notes').set('authorization', admin).send(entry('/notes')).expect(200), (routes) => assert.equal(routes.find((r) => r.path === '/notes')?.enabled, true)],
        ['delete', () => registry.http().delete('/api/servers/notes').set('authorization', admin).expect(204), (routes) => assert.ok(!routes.some((r) => r.path === '/notes'))],
      ];
      for (const [what, write, check] of writes) {
        await write();
        const response = await feed().set('if-none-match', etag);
        assert.equal(response.status, 200, `${what} must change the version`);
        assert.notEqual(response.headers.etag, etag);
        assert.equal(response.headers.etag, `"${response.body.version}"`);
        check(response.body.routes);
        etag = response.headers.etag as string;
      }
      await registry.http().delete('/api/servers/notes').set('authorization', admin).expect(404);
      assert.equal((await feed().set('if-none-match', etag)).status, 304, 'a failed write does not change the version');
    });

    test('without an internalToken option the feed uses the one in DATA_DIR', { skip: process.env.INTERNAL_API_TOKEN !== undefined }, async (t) => {
      const temp = makeTempDir('mcpgw-registry-');
      const scopesFile = path.join(temp.dir, 'scopes.yml');
      writeFileSync(scopesFile, TEST_SCOPES);
      const dataDir = path.join(temp.dir, 'data');
      const own = await startRegistry({ port: 0, dataDir, scopesFile, logger: pino({ level: 'silent' }) });
      t.after(async () => {
        await own.close();
        temp.remove();
      });
      const token = loadInternalToken(dataDir);
      await request(own.url).get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, token).expect(200);
      await request(own.url).get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, INTERNAL_TOKEN_HEADER.repeat(4)).expect(401);
    });
  });
}
