import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH } from '@mcpgw/lib/routes/route-table.js';
import { registryBackends } from '../registry/support/registry-backends.js';
import { entry, eventually, type TestRegistry } from '../registry/support/test-registry.js';
import { clean, startControllableUpstream, type ControllableUpstream } from './support/controllable-upstream.js';
import { startHealthRegistry } from './support/health-registry.js';

for (const { backend, skip } of await registryBackends()) {
  describe(`health checks, discovery and routing through the API (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    let upstream: ControllableUpstream;
    let admin: string;

    before(async () => {
      registry = await startHealthRegistry({ backend });
      admin = `Bearer ${await registry.token(['admins'])}`;
    });
    after(() => registry.close());
    beforeEach(async () => {
      upstream = await startControllableUpstream();
    });
    afterEach(() => upstream.close());

    const api = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, token = admin) => registry.http()[method](path).set('authorization', token);
    const register = (path: string, overrides: Record<string, unknown> = {}) =>
      api('post', '/api/servers').send(entry(path, { proxy_pass_url: upstream.url, ...overrides })).expect(201);
    const refresh = async (path: string) => (await api('post', `/api/servers${path}/refresh`).expect(200)).body.health;
    const feed = () => registry.http().get(ROUTES_FEED_PATH).set(INTERNAL_TOKEN_HEADER, registry.internalToken).expect(200);
    const routed = async (path: string) => ((await feed()).body.routes as Array<{ path: string }>).some((route) => route.path === path);
    /** Whether /.well-known/mcp-servers offers the path to a caller who may use every server. */
    const discovered = async (path: string) => {
      const user = `Bearer ${await registry.mint.token('discoverer', ['admins'], { scopes: ['health-all-servers'] })}`;
      const answer = await api('get', '/.well-known/mcp-servers', user).expect(200);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      return (answer.body.servers as Array<{ path: string }>).some((server) => server.path === path);
    };

    test('a refresh initializes, pings and ends the session; the server is healthy and its lists are followed to the end', async () => {
      await register('/calc');
      const health = await refresh('/calc');
      assert.equal(health.status, 'healthy');
      assert.equal(health.reason, null);
      assert.equal(typeof health.latency_ms, 'number');
      assert.ok(!Number.isNaN(Date.parse(health.last_checked_at)));
      const rpcs = upstream.requests.map((request) => request.rpc ?? request.method);
      for (const method of ['initialize', 'ping', 'tools/list', 'prompts/list', 'resources/list', 'DELETE']) assert.ok(rpcs.includes(method), `${method} in ${rpcs.join(' ')}`);
      assert.equal(rpcs.filter((method) => method === 'tools/list').length % 3, 0, 'five tools in pages of two: three pages per discovery');

      const tools = (await api('get', '/api/servers/calc/tools').expect(200)).body;
      assert.deepEqual(tools.tools.map((tool: { name: string }) => tool.name), clean().tools.map((tool) => tool.name));
      assert.deepEqual(tools.prompts.map((prompt: { name: string }) => prompt.name), ['explain', 'check', 'round']);
      assert.deepEqual(tools.resources.map((resource: { uri: string }) => resource.uri), ['calc://constants/pi', 'calc://constants/e', 'calc://history']);
      assert.match(tools.tool_hashes.add, /^sha256:[0-9a-f]{64}$/);
      const read = (await api('get', '/api/servers/calc/health').expect(200)).body.health;
      assert.equal(read.status, 'healthy');
      assert.equal(read.routed, true);
    });

    test('a server is withdrawn from the route feed only after consecutive failures, and restored after consecutive successes', async () => {
      await register('/flaky');
      assert.equal((await refresh('/flaky')).status, 'healthy');
      assert.equal(await discovered('/flaky'), true);
      let etag = (await feed()).headers.etag;
      await upstream.stop();

      const first = await refresh('/flaky');
      assert.equal(first.status, 'unhealthy');
      assert.match(first.reason, /\S/);
      assert.equal(first.routed, true, 'one failure does not withdraw the route');
      assert.equal(await routed('/flaky'), true);

      const second = await refresh('/flaky');
      assert.equal(second.routed, false);
      assert.equal(second.consecutive_failures, 2);
      const withdrawn = await feed();
      assert.notEqual(withdrawn.headers.etag, etag, 'the withdrawal changes the routes version');
      assert.equal(await routed('/flaky'), false);
      assert.equal(await discovered('/flaky'), false, 'a withdrawn server is not offered for discovery');
      etag = withdrawn.headers.etag;

      await upstream.start();
      const back = await refresh('/flaky');
      assert.equal(back.status, 'healthy');
      assert.equal(back.routed, false, 'one success does not restore the route');
      assert.equal((await feed()).headers.etag, etag);
      assert.equal(await routed('/flaky'), false);

      assert.equal((await refresh('/flaky')).routed, true);
      assert.notEqual((await feed()).headers.etag, etag);
      assert.equal(await routed('/flaky'), true);
      assert.equal(await discovered('/flaky'), true);
    });

    test('editing how the server is reached starts its health afresh; other edits leave it alone', async () => {
      await register('/moving');
      await upstream.stop();
      await refresh('/moving');
      const down = await refresh('/moving');
      assert.equal(down.routed, false);
      await api('patch', '/api/servers/moving').send({ description: 'still down' }).expect(200);
      const after = await refresh('/moving');
      assert.deepEqual([after.routed, after.consecutive_failures], [false, down.consecutive_failures + 1], 'a description edit changes nothing');
      const replacement = await startControllableUpstream();
      try {
        await api('patch', '/api/servers/moving').send({ proxy_pass_url: replacement.url }).expect(200);
        const health = await refresh('/moving');
        assert.equal(health.status, 'healthy');
        assert.equal(health.routed, true, 'the new upstream is not held to the old one\'s failures');
        assert.equal(await routed('/moving'), true);
      } finally {
        await replacement.close();
      }
    });

    test('an operator routes a server regardless of its health', async () => {
      await register('/pinned');
      await upstream.stop();
      await refresh('/pinned');
      await refresh('/pinned');
      assert.equal(await routed('/pinned'), false);

      const set = (await api('put', '/api/servers/pinned/routing').send({ route_regardless_of_health: true }).expect(200)).body.health;
      assert.equal(set.route_regardless_of_health, true);
      assert.equal(set.withdrawn_by_health, true);
      assert.equal(await routed('/pinned'), true);
      assert.equal((await refresh('/pinned')).status, 'unhealthy');
      assert.equal(await routed('/pinned'), true, 'checks keep failing, the route stays');

      await api('put', '/api/servers/pinned/routing').send({ route_regardless_of_health: false }).expect(200);
      assert.equal(await routed('/pinned'), false);
      const bad = await api('put', '/api/servers/pinned/routing').send({ route_regardless_of_health: 'yes' }).expect(400);
      assert.equal(bad.body.error.code, 'REGISTRY_INVALID_REQUEST');
      const viewer = `Bearer ${await registry.token(['checkers'])}`;
      assert.equal((await api('put', '/api/servers/pinned/routing', viewer).send({ route_regardless_of_health: true }).expect(403)).body.error.code, 'REGISTRY_FORBIDDEN');
    });

    test('an upstream that answers 401 or 403 is auth-expired', async () => {
      await register('/locked');
      for (const status of [401, 403]) {
        upstream.refuseWith = status;
        const health = await refresh('/locked');
        assert.equal(health.status, 'auth-expired', String(status));
        assert.match(health.reason, new RegExp(String(status)));
      }
      upstream.refuseWith = undefined;
      assert.equal((await refresh('/locked')).status, 'healthy');
    });

    test('a tool whose description or schema changes is recorded with its old and new hash', async () => {
      await register('/shifty');
      await refresh('/shifty');
      const before = (await api('get', '/api/servers/shifty/tools').expect(200)).body.tool_hashes;
      assert.deepEqual((await api('get', '/api/servers/shifty/tool-changes').expect(200)).body.changes, [], 'the first discovery is the baseline');

      const [add, subtract] = upstream.content.tools;
      assert.ok(add && subtract);
      add.description = 'Adds two numbers, now with rounding.';
      subtract.inputSchema = { type: 'object', properties: { a: { type: 'number' } } };
      upstream.content.tools = upstream.content.tools.filter((tool) => tool.name !== 'modulo');
      upstream.content.tools.push({ name: 'power', description: 'Raises a to b.', inputSchema: { type: 'object' } });
      await refresh('/shifty');

      const after = (await api('get', '/api/servers/shifty/tools').expect(200)).body.tool_hashes;
      const changes = (await api('get', '/api/servers/shifty/tool-changes').expect(200)).body.changes as Array<Record<string, unknown>>;
      const byTool = Object.fromEntries(changes.map((change) => [change.tool, change]));
      assert.deepEqual(Object.keys(byTool).sort(), ['add', 'modulo', 'power', 'subtract']);
      assert.deepEqual([byTool.add?.change, byTool.add?.old_hash, byTool.add?.new_hash], ['changed', before.add, after.add]);
      assert.notEqual(before.add, after.add);
      assert.deepEqual([byTool.subtract?.change, byTool.subtract?.old_hash, byTool.subtract?.new_hash], ['changed', before.subtract, after.subtract]);
      assert.deepEqual([byTool.modulo?.change, byTool.modulo?.old_hash, byTool.modulo?.new_hash], ['removed', before.modulo, null]);
      assert.deepEqual([byTool.power?.change, byTool.power?.old_hash, byTool.power?.new_hash], ['added', null, after.power]);
      assert.equal(after.multiply, before.multiply, 'an unchanged tool keeps its hash');

      await refresh('/shifty');
      assert.equal((await api('get', '/api/servers/shifty/tool-changes').expect(200)).body.changes.length, 4, 'nothing new when nothing changed');
      const limited = await api('get', '/api/servers/shifty/tool-changes?limit=1').expect(200);
      assert.equal(limited.body.changes.length, 1);
      assert.equal((await api('get', '/api/servers/shifty/tool-changes?limit=0').expect(400)).body.error.code, 'REGISTRY_INVALID_QUERY');
    });

    test('a server that answers ping but lists in a loop stays healthy and is not taken as discovered', async () => {
      upstream.content.endlessTools = true;
      await register('/looping');
      const health = await refresh('/looping');
      assert.equal(health.status, 'healthy');
      const tools = (await api('get', '/api/servers/looping/tools').expect(200)).body;
      assert.deepEqual([tools.discovered_at, tools.tools], [null, []]);
    });

    test('who may refresh and read: health_check_service to refresh, list_service and visibility to read', async () => {
      await register('/guarded');
      await register('/hidden', { visibility: 'private' });
      const checker = `Bearer ${await registry.token(['checkers'])}`;
      const viewer = `Bearer ${await registry.token(['viewers'])}`;
      const outsider = `Bearer ${await registry.token(['outsiders'])}`;
      assert.equal((await api('post', '/api/servers/guarded/refresh', checker).expect(200)).body.health.status, 'healthy');
      assert.equal((await api('post', '/api/servers/guarded/refresh', viewer).expect(403)).body.error.code, 'REGISTRY_FORBIDDEN');
      await api('get', '/api/servers/guarded/health', viewer).expect(200);
      await api('get', '/api/servers/guarded/tools', viewer).expect(200);
      for (const path of ['health', 'tools', 'tool-changes', 'security-scan']) {
        assert.equal((await api('get', `/api/servers/guarded/${path}`, outsider).expect(403)).body.error.code, 'REGISTRY_FORBIDDEN');
        assert.equal((await api('get', `/api/servers/hidden/${path}`, viewer).expect(404)).body.error.code, 'REGISTRY_SERVER_NOT_FOUND');
      }
      assert.equal((await api('post', '/api/servers/hidden/refresh', checker).expect(404)).body.error.code, 'REGISTRY_SERVER_NOT_FOUND');
      assert.equal((await api('post', '/api/servers/nothing/refresh').expect(404)).body.error.code, 'REGISTRY_SERVER_NOT_FOUND');
      await registry.http().post('/api/servers/guarded/refresh').expect(401);
    });

    test('registration discovers at once, and deleting a server forgets what was learnt', async () => {
      await register('/eager');
      await eventually(async () => (await api('get', '/api/servers/eager/tools').expect(200)).body.tools.length === 5, 'discovery after registration');
      assert.equal((await api('get', '/api/servers/eager/health').expect(200)).body.health.status, 'healthy');
      await api('delete', '/api/servers/eager').expect(204);
      await register('/eager', { proxy_pass_url: 'http://127.0.0.1:9/' });
      const health = await refresh('/eager');
      assert.equal(health.status, 'unhealthy');
      assert.equal(health.consecutive_failures, 2, 'the check after registration and this one');
      assert.deepEqual((await api('get', '/api/servers/eager/tools').expect(200)).body.tools, [], 'its tools too');
    });
  });
}

describe('upstream credentials', () => {
  test('headers from the upstream headers provider reach the upstream with every check', async (t) => {
    const upstream = await startControllableUpstream();
    t.after(() => upstream.close());
    upstream.requireAuthorization = 'Bearer upstream-secret';
    const asked: string[] = [];
    const registry = await startHealthRegistry({
      upstreamHeaders: async (server): Promise<Record<string, string>> => {
        asked.push(server.path);
        return server.path === '/keyed' ? { authorization: 'Bearer upstream-secret' } : {};
      },
    });
    t.after(() => registry.close());
    const admin = `Bearer ${await registry.token(['admins'])}`;
    for (const path of ['/keyed', '/keyless']) {
      await registry.http().post('/api/servers').set('authorization', admin).send(entry(path, { proxy_pass_url: upstream.url })).expect(201);
    }
    const refresh = async (path: string) => (await registry.http().post(`/api/servers${path}/refresh`).set('authorization', admin).expect(200)).body.health.status;
    assert.equal(await refresh('/keyed'), 'healthy');
    assert.equal(await refresh('/keyless'), 'auth-expired');
    assert.ok(asked.includes('/keyed') && asked.includes('/keyless'));
  });
});

describe('periodic health checks', () => {
  test('every enabled server is checked each interval, disabled ones are left alone', async (t) => {
    const upstream = await startControllableUpstream();
    t.after(() => upstream.close());
    const registry = await startHealthRegistry({ health: { intervalMs: 50 } });
    t.after(() => registry.close());
    const admin = `Bearer ${await registry.token(['admins'])}`;
    await registry.http().post('/api/servers').set('authorization', admin).send(entry('/ticking', { proxy_pass_url: upstream.url })).expect(201);
    await registry.http().post('/api/servers').set('authorization', admin).send(entry('/resting', { proxy_pass_url: 'http://127.0.0.1:9/', enabled: false })).expect(201);
    const initializes = () => upstream.requests.filter((request) => request.rpc === 'initialize').length;
    await eventually(async () => initializes() >= 3, 'three checks of /ticking');
    await upstream.stop();
    await eventually(
      async () => (await registry.http().get('/api/servers/ticking/health').set('authorization', admin)).body.health.routed === false,
      'the rounds to withdraw the stopped server',
    );
    const resting = (await registry.http().get('/api/servers/resting/health').set('authorization', admin).expect(200)).body.health;
    assert.equal(resting.status, 'unknown');
    assert.equal(resting.last_checked_at, null);
  });
});
