import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { entry, startTestRegistry, type TestRegistry } from './support/test-registry.js';
import { registryBackends } from './support/registry-backends.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function problemPaths(response: Response): string[] {
  assert.equal(response.status, 400);
  assert.equal(response.body.error.code, 'REGISTRY_INVALID_SERVER');
  assert.equal(typeof response.body.error.message, 'string');
  return (response.body.error.problems as Array<{ path: string; message: string }>).map((p) => {
    assert.equal(typeof p.message, 'string');
    return p.path;
  });
}

function assertError(response: Response, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(response.body.error.message.length > 0);
}

for (const { backend, skip } of await registryBackends()) {
  describe(`registry servers API (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    let auth: string;

    before(async () => {
      registry = await startTestRegistry(undefined, { backend });
      auth = `Bearer ${await registry.token(['admins'])}`;
    });
    after(() => registry.close());

    const api = {
      post: (url: string, body?: unknown) => {
        const call = registry.http().post(url).set('authorization', auth);
        return body === undefined ? call : call.send(body as object);
      },
      get: (url: string) => registry.http().get(url).set('authorization', auth),
      put: (url: string, body: unknown) => registry.http().put(url).set('authorization', auth).send(body as object),
      patch: (url: string, body: unknown) => registry.http().patch(url).set('authorization', auth).send(body as object),
      delete: (url: string) => registry.http().delete(url).set('authorization', auth),
    };

    beforeEach(async () => {
      const listed = await api.get('/api/servers');
      for (const server of listed.body.servers as Array<{ path: string }>) await api.delete(`/api/servers${server.path}`).expect(204);
    });

    test('POST registers a server, fills the defaults and answers the stored entry', async () => {
      const created = await api.post('/api/servers', entry('/currenttime', { server_name: 'Current time' })).expect(201);
      const { registered_at, updated_at, ...rest } = created.body;
      assert.deepEqual(rest, {
        server_name: 'Current time',
        path: '/currenttime',
        proxy_pass_url: 'http://127.0.0.1:8101/',
        description: '',
        tags: [],
        supported_transports: ['streamable-http'],
        enabled: true,
        visibility: 'public',
        source: 'local',
        revision: 1,
      });
      assert.match(registered_at, ISO);
      assert.equal(updated_at, registered_at);
      assert.deepEqual((await api.get('/api/servers/currenttime').expect(200)).body, created.body);
      assert.deepEqual((await api.get('/api/servers').expect(200)).body, { servers: [created.body] });
    });

    test('POST keeps every optional field, tool_list exactly as given', async () => {
      const toolList = [{ name: 'now', description: 'the time', inputSchema: { type: 'object', properties: { tz: { type: 'string' } } } }, 'odd'];
      const body = entry('/team/weather', {
        description: 'Weather',
        tags: ['weather', 'team'],
        supported_transports: ['sse', 'streamable-http', 'websocket'],
        enabled: false,
        license: 'Apache-2.0',
        tool_list: toolList,
      });
      const created = await api.post('/api/servers', body).expect(201);
      for (const key of Object.keys(body)) assert.deepEqual(created.body[key], body[key], key);
      assert.deepEqual((await api.get('/api/servers/team/weather').expect(200)).body.tool_list, toolList);
    });

    test('paths are canonical: currenttime, /currenttime/ and /currenttime are one server', async () => {
      const created = await api.post('/api/servers', entry('currenttime')).expect(201);
      assert.equal(created.body.path, '/currenttime');
      assertError(await api.post('/api/servers', entry('/currenttime/')), 409, 'REGISTRY_SERVER_EXISTS');
      assertError(await api.post('/api/servers', entry('/currenttime')), 409, 'REGISTRY_SERVER_EXISTS');
      assert.equal((await api.get('/api/servers/currenttime/').expect(200)).body.path, '/currenttime');
      assert.equal((await api.patch('/api/servers/currenttime/', { path: 'currenttime/', description: 'x' }).expect(200)).body.description, 'x');
      assert.equal((await api.get('/api/servers')).body.servers.length, 1);
    });

    test('malformed paths and the gateway\'s reserved segments are refused with 400', async () => {
      for (const bad of ['/Bad Path', '/UPPER', '/a/../b', '/', '', 'a b', '/x?y']) {
        assert.deepEqual(problemPaths(await api.post('/api/servers', entry(bad))), ['path'], bad);
      }
      for (const reserved of ['/health', '/metrics', '/.well-known', '/validate', '/internal', '/api', '/api/servers', 'internal/routes/']) {
        assert.deepEqual(problemPaths(await api.post('/api/servers', entry(reserved))), ['path'], reserved);
      }
      assert.deepEqual(problemPaths(await api.get('/api/servers/Bad%20Path')), ['path']);
      assert.deepEqual((await api.get('/api/servers').expect(200)).body.servers, []);
      await api.post('/api/servers', entry('/healthy')).expect(201);
    });

    test('every validation problem is reported at once, each with its path', async () => {
      assert.deepEqual(problemPaths(await api.post('/api/servers', {})).sort(), ['path', 'proxy_pass_url', 'server_name']);
      const paths = problemPaths(
        await api.post('/api/servers', {
          server_name: '  ',
          path: '/ok',
          proxy_pass_url: 'ftp://example.com/',
          tags: ['fine', 3],
          supported_transports: ['sse', 'grpc'],
          enabled: 'yes',
          license: 7,
          tool_list: 'nope',
        }),
      );
      assert.deepEqual(paths.sort(), ['enabled', 'license', 'proxy_pass_url', 'server_name', 'supported_transports[1]', 'tags[1]', 'tool_list']);
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/ok', { proxy_pass_url: '/relative' }))), ['proxy_pass_url']);
      assert.deepEqual(problemPaths(await api.post('/api/servers', entry('/ok', { supported_transports: [] }))), ['supported_transports']);
    });

    test('unknown keys are refused, each named', async () => {
      const response = await api.post('/api/servers', entry('/ok', { colour: 'red', headers: {} }));
      assert.deepEqual(problemPaths(response).sort(), ['colour', 'headers']);
      await api.get('/api/servers/ok').expect(404);
    });

    test('bodies that are not a JSON object', async () => {
      const malformed = await registry.http().post('/api/servers').set('authorization', auth).set('content-type', 'application/json').send('{"server_name": ');
      assertError(malformed, 400, 'REGISTRY_INVALID_JSON');
      assert.deepEqual(problemPaths(await api.post('/api/servers', [entry('/ok')])), ['']);
      assert.deepEqual(problemPaths(await registry.http().post('/api/servers').set('authorization', auth).set('content-type', 'text/plain').send('hello')), ['']);
      const huge = entry('/big', { description: 'x'.repeat(1024 * 1024 + 10) });
      assertError(await api.post('/api/servers', huge), 413, 'REGISTRY_BODY_TOO_LARGE');
      await api.get('/api/servers/big').expect(404);
    });

    test('GET of an unknown server is 404', async () => {
      assertError(await api.get('/api/servers/nothing/here'), 404, 'REGISTRY_SERVER_NOT_FOUND');
    });

    test('PUT replaces the entry, keeps registered_at, and needs the URL\'s path or none', async () => {
      const created = await api.post('/api/servers', entry('/team/weather', { tags: ['a'], license: 'MIT', description: 'old' })).expect(201);
      const replaced = await api.put('/api/servers/team/weather', { server_name: 'Weather', proxy_pass_url: 'https://weather.example/mcp' }).expect(200);
      assert.deepEqual(
        { ...replaced.body, updated_at: undefined },
        {
          server_name: 'Weather',
          path: '/team/weather',
          proxy_pass_url: 'https://weather.example/mcp',
          description: '',
          tags: [],
          supported_transports: ['streamable-http'],
          enabled: true,
          visibility: 'public',
          source: 'local',
          revision: 2,
          registered_at: created.body.registered_at,
          updated_at: undefined,
        },
      );
      await api.put('/api/servers/team/weather', entry('team/weather/', { description: 'same path, other spelling' })).expect(200);
      assert.deepEqual(problemPaths(await api.put('/api/servers/team/weather', entry('/team/other'))), ['path']);
      assert.deepEqual(problemPaths(await api.put('/api/servers/team/weather', { server_name: 'x' })), ['proxy_pass_url']);
      assert.deepEqual(problemPaths(await api.put('/api/servers/team/weather', entry('/team/weather', { colour: 'red' }))), ['colour']);
      assertError(await api.put('/api/servers/missing', entry('/missing')), 404, 'REGISTRY_SERVER_NOT_FOUND');
      assert.equal((await api.get('/api/servers/team/weather')).body.description, 'same path, other spelling');
    });

    test('PATCH merges, can disable, and null removes license and tool_list', async () => {
      await api.post('/api/servers', entry('/notes', { license: 'MIT', tool_list: [{ name: 'a' }], tags: ['x'] })).expect(201);
      const patched = await api.patch('/api/servers/notes', { description: 'Notes', enabled: false }).expect(200);
      assert.equal(patched.body.description, 'Notes');
      assert.equal(patched.body.enabled, false);
      assert.deepEqual(patched.body.tags, ['x']);
      assert.equal(patched.body.license, 'MIT');
      const cleared = await api.patch('/api/servers/notes', { license: null, tool_list: null }).expect(200);
      assert.equal('license' in cleared.body, false);
      assert.equal('tool_list' in cleared.body, false);
      assert.deepEqual(problemPaths(await api.patch('/api/servers/notes', { nickname: 'n', proxy_pass_url: 'nope' })).sort(), ['nickname', 'proxy_pass_url']);
      assert.deepEqual(problemPaths(await api.patch('/api/servers/notes', { path: '/elsewhere' })), ['path']);
      assert.deepEqual(problemPaths(await api.patch('/api/servers/notes', { server_name: null })), ['server_name']);
      assertError(await api.patch('/api/servers/missing', { description: 'x' }), 404, 'REGISTRY_SERVER_NOT_FOUND');
      assert.equal((await api.get('/api/servers/notes')).body.description, 'Notes');
    });

    test('toggle flips without a body and sets with { enabled }', async () => {
      await api.post('/api/servers', entry('/team/weather')).expect(201);
      assert.equal((await api.post('/api/servers/team/weather/toggle').expect(200)).body.enabled, false);
      assert.equal((await api.post('/api/servers/team/weather/toggle').expect(200)).body.enabled, true);
      assert.equal((await api.post('/api/servers/team/weather/toggle', { enabled: true }).expect(200)).body.enabled, true);
      assert.equal((await api.post('/api/servers/team/weather/toggle', { enabled: false }).expect(200)).body.enabled, false);
      assert.equal((await api.post('/api/servers/team/weather/toggle', {}).expect(200)).body.enabled, true);
      assert.deepEqual(problemPaths(await api.post('/api/servers/team/weather/toggle', { enabled: 'no' })), ['enabled']);
      assert.deepEqual(problemPaths(await api.post('/api/servers/team/weather/toggle', { on: true })), ['on']);
      assert.equal((await api.get('/api/servers/team/weather')).body.enabled, true);
      assertError(await api.post('/api/servers/missing/toggle'), 404, 'REGISTRY_SERVER_NOT_FOUND');
    });

    test('a server may itself be named toggle', async () => {
      await api.post('/api/servers', entry('/toggle')).expect(201);
      assert.equal((await api.get('/api/servers/toggle').expect(200)).body.path, '/toggle');
      assert.equal((await api.post('/api/servers/toggle/toggle').expect(200)).body.enabled, false);
    });

    test('DELETE answers 204, then the server is gone', async () => {
      await api.post('/api/servers', entry('/team/weather')).expect(201);
      const deleted = await api.delete('/api/servers/team/weather').expect(204);
      assert.equal(deleted.text, '');
      assertError(await api.get('/api/servers/team/weather'), 404, 'REGISTRY_SERVER_NOT_FOUND');
      assertError(await api.delete('/api/servers/team/weather'), 404, 'REGISTRY_SERVER_NOT_FOUND');
      await api.post('/api/servers', entry('/team/weather')).expect(201);
    });

    test('unknown routes answer 404 in the error shape', async () => {
      assertError(await api.get('/api/nothing'), 404, 'REGISTRY_NOT_FOUND');
      assertError(await api.post('/api/servers/currenttime'), 404, 'REGISTRY_NOT_FOUND');
    });

    test('servers survive a restart on the same DATA_DIR', async () => {
      const created = await api.post('/api/servers', entry('/currenttime', { tool_list: [{ name: 'now' }] })).expect(201);
      await registry.restart();
      assert.deepEqual((await api.get('/api/servers/currenttime').expect(200)).body, created.body);
    });
  });
}
