import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { registryBackends } from '../registry/support/registry-backends.js';
import { cardV03, cardV10, specExample } from './support/agent-cards.js';

const AGENT_ACTIONS = ['list_agents', 'get_agent', 'publish_agent', 'modify_agent', 'delete_agent'];

/** admins: every agent action; readers: list and get; travel: only /agents/travel, where it may publish. */
const AGENT_SCOPES = `
group_mappings:
  admins: [agent-admin]
  readers: [agent-reader]
  travel: [travel-publisher]
  partners: [agent-reader]
UI-Scopes:
  agent-admin:
${AGENT_ACTIONS.map((action) => `    ${action}: [all]`).join('\n')}
    list_service: [all]
    register_service: [all]
    delete_service: [all]
  agent-reader:
    list_agents: [all]
    get_agent: [all]
    list_service: [all]
  travel-publisher:
    list_agents: [/agents/travel]
    get_agent: [/agents/travel]
    publish_agent: [/agents/travel]
`;

function assertError(response: Response, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
  assert.ok(String(response.body.error.message).length > 0);
}

for (const { backend, skip } of await registryBackends()) {
  describe(`agents API (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    const tokens: Record<string, string> = {};

    before(async () => {
      registry = await startTestRegistry(AGENT_SCOPES, { backend });
      tokens.admin = await registry.mint.token('ada', ['admins']);
      tokens.reader = await registry.mint.token('rita', ['readers']);
      tokens.travel = await registry.mint.token('tom', ['travel']);
      tokens.partner = await registry.mint.token('pat', ['partners']);
    });
    after(() => registry.close());

    const as = (who: string) => ({
      get: (url: string) => registry.http().get(url).set('authorization', `Bearer ${tokens[who]}`),
      post: (url: string, body?: unknown) => {
        const call = registry.http().post(url).set('authorization', `Bearer ${tokens[who]}`);
        return body === undefined ? call : call.send(body as object);
      },
      put: (url: string, body: unknown) => registry.http().put(url).set('authorization', `Bearer ${tokens[who]}`).send(body as object),
      patch: (url: string, body: unknown) => registry.http().patch(url).set('authorization', `Bearer ${tokens[who]}`).send(body as object),
      delete: (url: string) => registry.http().delete(url).set('authorization', `Bearer ${tokens[who]}`),
    });
    const admin = as('admin');

    beforeEach(async () => {
      const listed = await admin.get('/api/agents').expect(200);
      for (const agent of listed.body.agents as Array<{ path: string }>) await admin.delete(`/api/agents${agent.path}`).expect(204);
    });

    test('registers v1.0 and v0.3 cards, answers the entry with its revision as ETag, and reads it back', async () => {
      const created = await admin.post('/api/agents', { path: '/agents/echo', card: cardV10('Echo', [{ id: 'echo', tags: ['test'] }]), tags: ['demo'] }).expect(201);
      assert.equal(created.headers.etag, '"1"');
      assert.equal(created.body.path, '/agents/echo');
      assert.equal(created.body.name, 'Echo');
      assert.equal(created.body.card_version, '1.0');
      assert.equal(created.body.url, 'http://127.0.0.1:9999/echo');
      assert.deepEqual(created.body.skills, [{ id: 'echo', name: 'echo', description: 'does echo', tags: ['test'] }]);
      assert.equal(created.body.visibility, 'public');
      assert.equal(created.body.trust_level, 'unverified');
      assert.equal(created.body.published_by, 'ada');
      assert.equal(created.body.revision, 1);
      assert.deepEqual(created.body.health, { status: 'unknown', last_heartbeat_at: null, latency_ms: null });
      assert.deepEqual(created.body.rating, { average: null, count: 0 });
      assert.deepEqual((await admin.get('/api/agents/agents/echo').expect(200)).body, created.body);

      const old = await admin.post('/api/agents', { path: 'agents/geo', card: specExample('a2a-v0.3.0-sample-agent-card.json'), trust_level: 'verified' }).expect(201);
      assert.equal(old.body.card_version, '0.3');
      assert.equal(old.body.url, 'https://georoute-agent.example.com/a2a/v1');
      assert.equal(old.body.trust_level, 'verified');
      assert.deepEqual(
        (await admin.get('/api/agents').expect(200)).body.agents.map((agent: { path: string }) => agent.path),
        ['/agents/echo', '/agents/geo'],
      );
    });

    test('refuses invalid cards and entries with REGISTRY_INVALID_AGENT, listing the problems, and keeps nothing', async () => {
      const missing = await admin.post('/api/agents', { path: '/agents/bad', card: { name: 'x', supportedInterfaces: [] } });
      assertError(missing, 400, 'REGISTRY_INVALID_AGENT');
      const problems = missing.body.error.problems.map((problem: { message: string }) => problem.message).join('\n');
      assert.match(problems, /skills/);
      assert.match(problems, /capabilities/);
      assertError(await admin.post('/api/agents', { path: '/agents/bad', card: specExample('a2a-v1.0.1-sample-agent-card.json') }), 400, 'REGISTRY_INVALID_AGENT');
      assertError(await admin.post('/api/agents', { path: '/agents/bad', card: cardV03('Old'), colour: 'red' }), 400, 'REGISTRY_INVALID_AGENT');
      assertError(await admin.post('/api/agents', { path: '/agents/bad' }), 400, 'REGISTRY_INVALID_AGENT');
      assertError(await admin.post('/api/agents', { path: '/discover', card: cardV03('Old') }), 400, 'REGISTRY_INVALID_AGENT');
      assertError(await admin.post('/api/agents', { path: '/Bad Path', card: cardV03('Old') }), 400, 'REGISTRY_INVALID_AGENT');
      assertError(await admin.post('/api/agents', { path: '/agents/bad', card: cardV03('Old'), visibility: 'group-restricted' }), 400, 'REGISTRY_INVALID_AGENT');
      assert.deepEqual((await admin.get('/api/agents').expect(200)).body.agents, []);
      await admin.post('/api/agents', { path: '/agents/once', card: cardV03('Once') }).expect(201);
      assertError(await admin.post('/api/agents', { path: '/agents/once', card: cardV03('Twice') }), 409, 'REGISTRY_AGENT_EXISTS');
    });

    test('UI-Scopes actions are enforced per agent path', async () => {
      const reader = as('reader');
      const travel = as('travel');
      await admin.post('/api/agents', { path: '/agents/other', card: cardV10('Other') }).expect(201);
      assertError(await reader.post('/api/agents', { path: '/agents/r', card: cardV10('R') }), 403, 'REGISTRY_FORBIDDEN');
      assertError(await travel.post('/api/agents', { path: '/agents/elsewhere', card: cardV10('T') }), 403, 'REGISTRY_FORBIDDEN');
      await travel.post('/api/agents', { path: '/agents/travel', card: cardV10('Travel') }).expect(201);
      assert.deepEqual((await travel.get('/api/agents').expect(200)).body.agents.map((a: { path: string }) => a.path), ['/agents/travel']);
      assertError(await travel.get('/api/agents/agents/other'), 403, 'REGISTRY_FORBIDDEN');
      assertError(await travel.patch('/api/agents/agents/travel', { tags: ['x'] }), 403, 'REGISTRY_FORBIDDEN');
      assertError(await travel.delete('/api/agents/agents/travel'), 403, 'REGISTRY_FORBIDDEN');
      assertError(await reader.post('/api/agents/agents/other/toggle', {}), 403, 'REGISTRY_FORBIDDEN');
      await reader.get('/api/agents/agents/other').expect(200);
      assertError(await registry.http().get('/api/agents'), 401, 'AUTH_TOKEN_MISSING');
    });

    test('visibility: private agents only for those who may modify them, group-restricted for the allowed groups', async () => {
      await admin.post('/api/agents', { path: '/agents/secret', card: cardV10('Secret'), visibility: 'private' }).expect(201);
      await admin.post('/api/agents', { path: '/agents/partner', card: cardV10('Partner'), visibility: 'group-restricted', allowed_groups: ['partners'] }).expect(201);
      const paths = async (who: string) => (await as(who).get('/api/agents').expect(200)).body.agents.map((a: { path: string }) => a.path);
      assert.deepEqual(await paths('admin'), ['/agents/partner', '/agents/secret']);
      assert.deepEqual(await paths('reader'), []);
      assert.deepEqual(await paths('partner'), ['/agents/partner']);
      assertError(await as('reader').get('/api/agents/agents/secret'), 404, 'REGISTRY_AGENT_NOT_FOUND');
      assertError(await as('reader').get('/api/agents/agents/partner/rating'), 404, 'REGISTRY_AGENT_NOT_FOUND');
    });

    test('edits take If-Match; a stale revision is refused with 409 and changes nothing', async () => {
      await admin.post('/api/agents', { path: '/agents/edit', card: cardV10('Edit') }).expect(201);
      const patched = await admin.patch('/api/agents/agents/edit', { tags: ['a'], trust_level: 'trusted' }).set('if-match', '"1"').expect(200);
      assert.equal(patched.body.revision, 2);
      assert.deepEqual(patched.body.tags, ['a']);
      assertError(await admin.patch('/api/agents/agents/edit', { tags: ['b'] }).set('if-match', '"1"'), 409, 'REGISTRY_REVISION_CONFLICT');
      const replaced = await admin.put('/api/agents/agents/edit', { card: cardV03('Edited') }).set('if-match', '"2"').expect(200);
      assert.equal(replaced.body.name, 'Edited');
      assert.equal(replaced.body.card_version, '0.3');
      assert.deepEqual(replaced.body.tags, []);
      const toggled = await admin.post('/api/agents/agents/edit/toggle').expect(200);
      assert.equal(toggled.body.enabled, false);
      assert.equal(toggled.body.revision, 4);
      assertError(await admin.delete('/api/agents/agents/edit').set('if-match', '"3"'), 409, 'REGISTRY_REVISION_CONFLICT');
      await admin.delete('/api/agents/agents/edit').set('if-match', '"4"').expect(204);
      assertError(await admin.get('/api/agents/agents/edit'), 404, 'REGISTRY_AGENT_NOT_FOUND');
      const again = await admin.post('/api/agents', { path: '/agents/edit', card: cardV10('Back') }).expect(201);
      assert.equal(again.body.revision, 6, 'a re-registered path continues after its tombstone');
    });

    test('heartbeats: the publisher or a modifier may send them; they report health and latency', async () => {
      const created = await as('travel').post('/api/agents', { path: '/agents/travel', card: cardV10('Travel') }).expect(201);
      const beat = await as('travel').post('/api/agents/agents/travel/heartbeat', { latency_ms: 42 }).expect(200);
      assert.equal(beat.body.health.status, 'healthy');
      assert.equal(beat.body.health.latency_ms, 42);
      await admin.post('/api/agents/agents/travel/heartbeat').expect(200);
      assertError(await as('reader').post('/api/agents/agents/travel/heartbeat', {}), 403, 'REGISTRY_FORBIDDEN');
      assertError(await as('travel').post('/api/agents/agents/travel/heartbeat', { latency_ms: -1 }), 400, 'REGISTRY_INVALID_AGENT');
      assertError(await admin.post('/api/agents/agents/none/heartbeat', {}), 404, 'REGISTRY_AGENT_NOT_FOUND');
      const read = await admin.get('/api/agents/agents/travel').expect(200);
      assert.equal(read.body.health.status, 'healthy');
      assert.equal(read.body.revision, created.body.revision, 'a heartbeat is no edit');
    });

    test('discover finds agents by skill and tag, ranked by health, rating and latency, without disabled ones', async () => {
      const planner = (name: string) => cardV10(name, [{ id: 'plan-trip', tags: ['travel'] }]);
      await admin.post('/api/agents', { path: '/agents/fast', card: planner('Fast'), tags: ['europe'] }).expect(201);
      await admin.post('/api/agents', { path: '/agents/slow', card: planner('Slow'), tags: ['europe'] }).expect(201);
      await admin.post('/api/agents', { path: '/agents/silent', card: planner('Silent') }).expect(201);
      await admin.post('/api/agents', { path: '/agents/off', card: planner('Off'), enabled: false }).expect(201);
      await admin.post('/api/agents', { path: '/agents/echo', card: cardV10('Echo') }).expect(201);
      await admin.post('/api/agents/agents/fast/heartbeat', { latency_ms: 20 }).expect(200);
      await admin.post('/api/agents/agents/slow/heartbeat', { latency_ms: 2000 }).expect(200);
      await admin.post('/api/agents/agents/fast/rating', { rating: 5 }).expect(200);

      const found = await as('reader').get('/api/agents/discover?skill=plan-trip').expect(200);
      assert.deepEqual(found.body.agents.map((a: { path: string }) => a.path), ['/agents/fast', '/agents/slow', '/agents/silent']);
      const scores = found.body.agents.map((a: { score: number }) => a.score);
      assert.ok(scores[0] > scores[1] && scores[1] > scores[2], JSON.stringify(scores));
      const tagged = await as('reader').get('/api/agents/discover?skill=PLAN-TRIP&tag=europe&tag=travel').expect(200);
      assert.deepEqual(tagged.body.agents.map((a: { path: string }) => a.path), ['/agents/fast', '/agents/slow']);
      assert.deepEqual((await as('reader').get('/api/agents/discover?skill=nothing').expect(200)).body.agents, []);
      assertError(await as('travel').get('/api/agents/agents/fast'), 403, 'REGISTRY_FORBIDDEN');
      assert.deepEqual((await as('travel').get('/api/agents/discover?skill=plan-trip').expect(200)).body.agents, []);
    });

    test('ratings: one per user, re-rating replaces, aggregate and count shown on the agent', async () => {
      await admin.post('/api/agents', { path: '/agents/rated', card: cardV10('Rated') }).expect(201);
      await admin.post('/api/agents/agents/rated/rating', { rating: 4 }).expect(200);
      const second = await as('reader').post('/api/agents/agents/rated/rating', { rating: 2 }).expect(200);
      assert.deepEqual(second.body, { average: 3, count: 2, your_rating: 2 });
      const replaced = await admin.post('/api/agents/agents/rated/rating', { rating: 5 }).expect(200);
      assert.deepEqual(replaced.body, { average: 3.5, count: 2, your_rating: 5 });
      assert.deepEqual((await as('reader').get('/api/agents/agents/rated/rating').expect(200)).body, { average: 3.5, count: 2, your_rating: 2 });
      assert.deepEqual((await admin.get('/api/agents/agents/rated').expect(200)).body.rating, { average: 3.5, count: 2 });
      for (const bad of [{ rating: 0 }, { rating: 6 }, { rating: 2.5 }, { stars: 3 }, {}]) {
        assertError(await admin.post('/api/agents/agents/rated/rating', bad), 400, 'REGISTRY_INVALID_RATING');
      }
      assertError(await admin.post('/api/agents/agents/unknown/rating', { rating: 3 }), 404, 'REGISTRY_AGENT_NOT_FOUND');
    });

    test('ratings of servers: one per user, shown on the server entry', async () => {
      await admin.post('/api/servers', { server_name: 'time', path: '/rated-time', proxy_pass_url: 'http://127.0.0.1:8101/' }).expect(201);
      await admin.post('/api/servers/rated-time/rating', { rating: 1 }).expect(200);
      await as('reader').post('/api/servers/rated-time/rating', { rating: 4 }).expect(200);
      await as('reader').post('/api/servers/rated-time/rating', { rating: 5 }).expect(200);
      assert.deepEqual((await admin.get('/api/servers/rated-time/rating').expect(200)).body, { average: 3, count: 2, your_rating: 1 });
      assert.deepEqual((await admin.get('/api/servers/rated-time').expect(200)).body.rating, { average: 3, count: 2 });
      assertError(await as('travel').post('/api/servers/rated-time/rating', { rating: 5 }), 403, 'REGISTRY_FORBIDDEN');
      assertError(await admin.post('/api/servers/none/rating', { rating: 5 }), 404, 'REGISTRY_SERVER_NOT_FOUND');
      await admin.delete('/api/servers/rated-time').expect(204);
      await admin.post('/api/servers', { server_name: 'time again', path: '/rated-time', proxy_pass_url: 'http://127.0.0.1:8101/' }).expect(201);
      assert.deepEqual((await admin.get('/api/servers/rated-time/rating').expect(200)).body, { average: null, count: 0, your_rating: null });
      assert.equal((await admin.get('/api/servers/rated-time').expect(200)).body.rating, undefined, 'a new server on the path starts unrated');
      await admin.delete('/api/servers/rated-time').expect(204);
    });
  });
}
