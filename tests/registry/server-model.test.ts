import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH, routeTableSchema } from '@mcpgw/lib/routes/route-table.js';
import { registryBackends } from './support/registry-backends.js';
import { entry, startTestRegistry, type TestRegistry } from './support/test-registry.js';
import { fields } from './server-repository-contract.js';
import { ORIGINAL_SERVER_FILE } from './support/original-server-file.js';

function problemPaths(response: Response): string[] {
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.equal(response.body.error.code, 'REGISTRY_INVALID_SERVER');
  return (response.body.error.problems as Array<{ path: string }>).map((p) => p.path).sort();
}

function assertError(response: Response, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
}

for (const { backend, skip } of await registryBackends()) {
  describe(`registry server model (${backend})`, { skip }, () => {
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
      put: (url: string, body: object) => registry.http().put(url).set('authorization', auth).send(body),
      patch: (url: string, body: object) => registry.http().patch(url).set('authorization', auth).send(body),
      delete: (url: string) => registry.http().delete(url).set('authorization', auth),
    };

    beforeEach(async () => {
      for (const server of (await api.get('/api/servers')).body.servers as Array<{ path: string }>) await api.delete(`/api/servers${server.path}`).expect(204);
    });

    test('every field of the full model is stored and answered', async () => {
      const body = entry('/team/weather', {
        license: 'MIT',
        metadata: { team: 'platform', compliance: ['SOC2'] },
        mcp_endpoint: 'https://weather.example/custom/mcp',
        sse_endpoint: '/events',
        visibility: 'group-restricted',
        allowed_groups: ['team-a'],
        timeout_seconds: 120,
      });
      const created = await api.post('/api/servers', body).expect(201);
      for (const key of Object.keys(body)) assert.deepEqual(created.body[key], body[key], key);
      assert.equal(created.body.source, 'local');
      assert.equal(created.body.revision, 1);
      assert.equal(created.headers.etag, '"1"');
      assert.deepEqual((await api.get('/api/servers/team/weather').expect(200)).body, created.body);
    });

    test('an original server file loads unchanged; the keys the registry derives are not stored', async () => {
      const created = await api.post('/api/servers', ORIGINAL_SERVER_FILE).expect(201);
      assert.equal(created.body.path, '/sqlite');
      assert.deepEqual(created.body.tool_list, ORIGINAL_SERVER_FILE.tool_list);
      assert.equal(created.body.license, 'N/A');
      for (const key of ['num_tools', 'num_stars', 'is_python', 'auth_type']) assert.equal(key in created.body, false, key);
      await api.put('/api/servers/sqlite', ORIGINAL_SERVER_FILE).expect(200);
      await api.patch('/api/servers/sqlite', { num_tools: 4, auth_scheme: 'none' }).expect(200);
      assert.deepEqual(problemPaths(await api.post('/api/servers', { ...ORIGINAL_SERVER_FILE, path: '/other', auth_type: 'oauth' })), ['auth_type']);
      // A bearer scheme needs its credential (tests/identity/upstream-credentials.test.ts).
      assert.deepEqual(problemPaths(await api.post('/api/servers', { ...ORIGINAL_SERVER_FILE, path: '/other', auth_scheme: 'bearer', num_tools: -1 })), [
        'auth_credential',
        'num_tools',
      ]);
    });

    test('the new fields are validated, every problem at once', async () => {
      const paths = problemPaths(
        await api.post(
          '/api/servers',
          entry('/bad', { timeout_seconds: 0, visibility: 'secret', mcp_endpoint: 'relative/mcp', sse_endpoint: 'ftp://x/sse', metadata: [1], allowed_groups: [''] }),
        ),
      );
      assert.deepEqual(paths, ['allowed_groups[0]', 'mcp_endpoint', 'metadata', 'sse_endpoint', 'timeout_seconds', 'visibility']);
      for (const timeout of [3601, 1.5, '60', -1]) assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/bad', { timeout_seconds: timeout }))), ['timeout_seconds'], String(timeout));
      for (const timeout of [1, 3600]) {
        await api.post('/api/servers', entry('/edge', { timeout_seconds: timeout })).expect(201);
        await api.delete('/api/servers/edge').expect(204);
      }
      for (const field of ['source', 'federated_from', 'revision', 'registered_at']) {
        assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/bad', { [field]: 'x' }))), [field], field);
      }
      await api.get('/api/servers/bad').expect(404);
    });

    test('allowed_groups goes with group-restricted and only with it; internal means private', async () => {
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/x', { visibility: 'group-restricted' }))), ['allowed_groups']);
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/x', { visibility: 'group-restricted', allowed_groups: [] }))), ['allowed_groups']);
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/x', { allowed_groups: ['a'] }))), ['allowed_groups']);
      assert.equal((await api.post('/api/servers', entry('/x', { visibility: 'internal' })).expect(201)).body.visibility, 'private');

      await api.post('/api/servers', entry('/team', { visibility: 'group-restricted', allowed_groups: ['a'] })).expect(201);
      assert.deepEqual((await api.patch('/api/servers/team', { allowed_groups: ['b', 'c'] }).expect(200)).body.allowed_groups, ['b', 'c']);
      assert.deepEqual(problemPaths(await api.patch('/api/servers/team', { allowed_groups: [] })), ['allowed_groups']);
      const opened = await api.patch('/api/servers/team', { visibility: 'public' }).expect(200);
      assert.equal('allowed_groups' in opened.body, false, 'leaving group-restricted drops the groups');
      assert.deepEqual(problemPaths(await api.patch('/api/servers/team', { visibility: 'group-restricted' })), ['allowed_groups']);
      assert.deepEqual(problemPaths(await api.patch('/api/servers/team', { allowed_groups: ['a'] })), ['allowed_groups']);
      assert.equal((await api.get('/api/servers/team')).body.visibility, 'public');
    });

    test('PATCH null removes the optional fields; PUT without them removes them too', async () => {
      const full = { metadata: { a: 1 }, mcp_endpoint: '/m', sse_endpoint: '/s', timeout_seconds: 5 };
      await api.post('/api/servers', entry('/opt', full)).expect(201);
      const cleared = await api.patch('/api/servers/opt', { metadata: null, mcp_endpoint: null, sse_endpoint: null, timeout_seconds: null }).expect(200);
      for (const key of Object.keys(full)) assert.equal(key in cleared.body, false, key);
      await api.patch('/api/servers/opt', full).expect(200);
      const replaced = await api.put('/api/servers/opt', entry('/opt')).expect(200);
      for (const key of Object.keys(full)) assert.equal(key in replaced.body, false, key);
    });

    test('the revision grows with every change and is the ETag; a stale If-Match is refused with 409', async () => {
      const created = await api.post('/api/servers', entry('/rev')).expect(201);
      assert.equal(created.body.revision, 1);
      const edits: Array<() => Promise<Response>> = [
        () => api.patch('/api/servers/rev', { description: 'a' }),
        () => api.put('/api/servers/rev', entry('/rev')),
        () => api.post('/api/servers/rev/toggle'),
        () => api.post('/api/servers/rev/toggle', { enabled: true }),
      ];
      let revision = 1;
      for (const edit of edits) {
        const response = await edit();
        assert.equal(response.status, 200);
        assert.equal(response.body.revision, revision + 1);
        assert.equal(response.headers.etag, `"${revision + 1}"`);
        revision += 1;
      }
      assert.equal((await api.get('/api/servers/rev')).headers.etag, `"${revision}"`);
      assertError(await api.patch('/api/servers/rev', { description: 'stale' }).set('if-match', '"1"'), 409, 'REGISTRY_REVISION_CONFLICT');
      assertError(await api.put('/api/servers/rev', entry('/rev')).set('if-match', '2'), 409, 'REGISTRY_REVISION_CONFLICT');
      assertError(await api.post('/api/servers/rev/toggle').set('if-match', 'W/"3"'), 409, 'REGISTRY_REVISION_CONFLICT');
      assertError(await api.patch('/api/servers/rev', { description: 'x' }).set('if-match', 'latest'), 400, 'REGISTRY_INVALID_REVISION');
      assert.equal((await api.get('/api/servers/rev')).body.revision, revision, 'refused edits change nothing');
      const current = await api.patch('/api/servers/rev', { description: 'fresh' }).set('if-match', `"${revision}"`).expect(200);
      assert.equal(current.body.description, 'fresh');
      assert.equal(current.body.revision, revision + 1);
    });

    test('the route feed carries timeoutSeconds for servers that set timeout_seconds', async () => {
      await api.post('/api/servers', entry('/slow', { timeout_seconds: 900 })).expect(201);
      await api.post('/api/servers', entry('/fast')).expect(201);
      const feed = await registry.http().get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, registry.internalToken).expect(200);
      const routes = routeTableSchema.parse(feed.body).routes;
      assert.equal(routes.find((r) => r.path === '/slow')?.timeoutSeconds, 900);
      assert.equal(routes.find((r) => r.path === '/fast')?.timeoutSeconds ?? undefined, undefined);
      await api.patch('/api/servers/slow', { timeout_seconds: null }).expect(200);
      const after = await registry.http().get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, registry.internalToken).expect(200);
      assert.equal(routeTableSchema.parse(after.body).routes.find((r) => r.path === '/slow')?.timeoutSeconds ?? undefined, undefined);
    });

    test('a federated entry is shown with its provenance and is read-only: edits answer 409, delete works', async () => {
      const store = await registry.openStore();
      try {
        await store.servers.create('/peer/time', fields({ serverName: 'Peer time', source: 'federated', federatedFrom: 'https://peer.example' }));
      } finally {
        await store.close();
      }
      const shown = await api.get('/api/servers/peer/time').expect(200);
      assert.equal(shown.body.source, 'federated');
      assert.equal(shown.body.federated_from, 'https://peer.example');
      assertError(await api.put('/api/servers/peer/time', entry('/peer/time')), 409, 'REGISTRY_SERVER_FEDERATED');
      assertError(await api.patch('/api/servers/peer/time', { description: 'mine now' }), 409, 'REGISTRY_SERVER_FEDERATED');
      assertError(await api.post('/api/servers/peer/time/toggle'), 409, 'REGISTRY_SERVER_FEDERATED');
      assert.deepEqual((await api.get('/api/servers/peer/time')).body, shown.body);
      assertError(await api.post('/api/servers', entry('/peer/time')), 409, 'REGISTRY_SERVER_EXISTS');
      await api.delete('/api/servers/peer/time').expect(204);
      await api.get('/api/servers/peer/time').expect(404);
    });
  });
}
