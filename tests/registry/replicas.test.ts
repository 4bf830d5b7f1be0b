import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH } from '@mcpgw/lib/routes/route-table.js';
import type { RunningRegistry } from '../../registry/src/start-registry.js';
import { postgresSkipReason } from '../support/postgres.js';
import { entry, INTERNAL_TOKEN, startTestRegistry, type TestRegistry } from './support/test-registry.js';

const SCOPES = `
group_mappings:
  admins: [registry-admin]
UI-Scopes:
  registry-admin:
    list_service: [all]
    register_service: [all]
    toggle_service: [all]
    modify_service: [all]
    delete_service: [all]
    view_scopes: [all]
    modify_scopes: [all]
`;

describe('two registry replicas on one PostgreSQL schema', { skip: await postgresSkipReason() }, () => {
  let first: TestRegistry;
  let second: RunningRegistry;
  let admin: string;

  before(async () => {
    first = await startTestRegistry(SCOPES, { backend: 'postgres' });
    second = await first.replica();
    admin = `Bearer ${await first.token(['admins'])}`;
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  const via = (url: string) => ({
    api: (method: 'get' | 'post' | 'patch' | 'delete' | 'put', path: string) => request(url)[method](path).set('authorization', admin),
    feed: () => request(url).get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, INTERNAL_TOKEN),
  });

  test('a write through one is visible through the other, in its API and its route feed version, at once', async () => {
    const a = via(first.url);
    const b = via(second.url);
    const before = (await b.feed().expect(200)).headers.etag as string;
    assert.equal((await a.feed().expect(200)).headers.etag, before, 'both replicas report one version');

    const created = await a.api('post', '/api/servers').send(entry('/shared', { timeout_seconds: 30 })).expect(201);
    assert.deepEqual((await b.api('get', '/api/servers/shared').expect(200)).body, created.body);
    const afterCreate = await b.feed().set('if-none-match', before).expect(200);
    assert.notEqual(afterCreate.headers.etag, before);
    assert.ok(afterCreate.body.routes.some((route: { path: string; timeoutSeconds?: number }) => route.path === '/shared' && route.timeoutSeconds === 30));

    const toggled = await b.api('post', '/api/servers/shared/toggle').expect(200);
    assert.equal((await a.api('get', '/api/servers/shared').expect(200)).body.enabled, false);
    assert.equal((await a.feed().expect(200)).headers.etag, (await b.feed().expect(200)).headers.etag);
    assert.equal(toggled.body.revision, 2);

    await a.api('delete', '/api/servers/shared').expect(204);
    await b.api('get', '/api/servers/shared').expect(404);
    await b.api('post', '/api/servers').send(entry('/shared')).expect(201);
    assert.equal((await a.api('post', '/api/servers').send(entry('/shared'))).body.error.code, 'REGISTRY_SERVER_EXISTS');
  });

  test('concurrent edits through both replicas lose nothing, and If-Match stops a stale one', async () => {
    const a = via(first.url);
    const b = via(second.url);
    await a.api('post', '/api/servers').send(entry('/busy', { tags: [] })).expect(201);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).api('patch', '/api/servers/busy').send({ description: `edit ${i}` }).expect(200)),
    );
    const current = await b.api('get', '/api/servers/busy').expect(200);
    assert.equal(current.body.revision, 9);
    await a.api('patch', '/api/servers/busy').set('if-match', '"9"').send({ description: 'first wins' }).expect(200);
    const stale = await b.api('patch', '/api/servers/busy').set('if-match', '"9"').send({ description: 'second loses' });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'REGISTRY_REVISION_CONFLICT');
    assert.equal((await a.api('get', '/api/servers/busy')).body.description, 'first wins');
  });

  test('scopes edits through either replica share one history and revision', async () => {
    const a = via(first.url);
    const b = via(second.url);
    const start = (await a.api('get', '/api/scopes').expect(200)).body.revision as number;
    assert.equal((await b.api('get', '/api/scopes').expect(200)).body.revision, start);
    const results = await Promise.all([
      a.api('put', '/api/scopes/groups/team-a').send({ scopes: ['registry-admin'] }),
      b.api('put', '/api/scopes/groups/team-b').send({ scopes: ['registry-admin'] }),
    ]);
    assert.deepEqual(results.map((r) => r.status), [200, 200]);
    assert.deepEqual(results.map((r) => r.body.revision).sort(), [start + 1, start + 2]);
    const viewed = (await b.api('get', '/api/scopes').expect(200)).body;
    assert.equal(viewed.revision, start + 2);
    assert.deepEqual(Object.keys(viewed.document.group_mappings).sort(), ['admins', 'team-a', 'team-b'], 'neither edit was lost');
    const stale = await a.api('put', '/api/scopes/groups/team-c').set('if-match', `"${start + 1}"`).send({ scopes: [] });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'REGISTRY_REVISION_CONFLICT');
  });
});
