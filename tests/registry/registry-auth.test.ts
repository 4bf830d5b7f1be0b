import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { entry, eventually, startTestRegistry, TEST_SCOPES, type TestRegistry } from './support/test-registry.js';
import { registryBackends } from './support/registry-backends.js';

function assertUnauthorised(response: Response, code: string): void {
  assert.equal(response.status, 401, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
  const challenge = response.headers['www-authenticate'];
  assert.match(challenge ?? '', /^Bearer realm="[^"]+"/);
  if (code === 'AUTH_TOKEN_MISSING') assert.doesNotMatch(challenge ?? '', /error=/);
  else assert.match(challenge ?? '', /error="invalid_token"/);
}

function assertForbidden(response: Response): void {
  assert.equal(response.status, 403, JSON.stringify(response.body));
  assert.equal(response.body.error.code, 'REGISTRY_FORBIDDEN');
  assert.equal(typeof response.body.error.message, 'string');
}

for (const { backend, skip } of await registryBackends()) {
  describe(`registry API authentication and authorisation (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    let admin: string;

    before(async () => {
      registry = await startTestRegistry(undefined, { backend });
      admin = `Bearer ${await registry.token(['admins'])}`;
      for (const path of ['/currenttime', '/notes', '/team/weather']) {
        await registry.http().post('/api/servers').set('authorization', admin).send(entry(path)).expect(201);
      }
    });
    after(() => registry.close());

    const endpoints: Array<[string, (bearer?: string) => Promise<Response>]> = [
      ['GET /api/servers', (b) => withAuth(registry.http().get('/api/servers'), b)],
      ['GET /api/servers/{path}', (b) => withAuth(registry.http().get('/api/servers/notes'), b)],
      ['POST /api/servers', (b) => withAuth(registry.http().post('/api/servers'), b).send(entry('/new-one'))],
      ['PUT /api/servers/{path}', (b) => withAuth(registry.http().put('/api/servers/notes'), b).send(entry('/notes'))],
      ['PATCH /api/servers/{path}', (b) => withAuth(registry.http().patch('/api/servers/notes'), b).send({ description: 'x' })],
      ['POST /api/servers/{path}/toggle', (b) => withAuth(registry.http().post('/api/servers/notes/toggle'), b)],
      ['DELETE /api/servers/{path}', (b) => withAuth(registry.http().delete('/api/servers/notes'), b)],
    ];

    function withAuth<T extends { set(name: string, value: string): T }>(call: T, bearer: string | undefined): T {
      return bearer === undefined ? call : call.set('authorization', bearer);
    }

    test('every endpoint answers 401 with a bearer challenge for a missing, malformed, expired, forged or wrong-audience token', async () => {
      const mint = registry.mint;
      const cases: Array<[string, string | undefined, string]> = [
        ['missing', undefined, 'AUTH_TOKEN_MISSING'],
        ['empty', '', 'AUTH_TOKEN_MISSING'],
        ['not bearer', 'Basic YWRtaW46YWRtaW4=', 'AUTH_TOKEN_MALFORMED'],
        ['not a JWT', 'Bearer not-a-jwt', 'AUTH_TOKEN_MALFORMED'],
        ['unsigned', `Bearer ${mint.unsigned('mallory', ['admins'])}`, 'AUTH_TOKEN_MALFORMED'],
        ['expired', `Bearer ${await mint.expired('tester', ['admins'])}`, 'AUTH_TOKEN_EXPIRED'],
        ['forged', `Bearer ${await mint.forged('mallory', ['admins'])}`, 'AUTH_TOKEN_BAD_SIGNATURE'],
        ['wrong audience', `Bearer ${await mint.wrongAudience('tester', ['admins'])}`, 'AUTH_TOKEN_WRONG_AUDIENCE'],
      ];
      for (const [what, bearer, code] of cases) {
        for (const [endpoint, call] of endpoints) {
          await test(`${what}: ${endpoint}`, async () => assertUnauthorised(await call(bearer), code));
        }
      }
      await registry.http().get('/api/servers/notes').set('authorization', admin).expect(200);
    });

    test('X-Authorization carries the ingress token when present', async () => {
      const response = await registry.http().get('/api/servers').set('x-authorization', admin).set('authorization', 'Bearer egress-token-for-upstream');
      assert.equal(response.status, 200);
      assertUnauthorised(await registry.http().get('/api/servers').set('x-authorization', 'Bearer junk').set('authorization', admin), 'AUTH_TOKEN_MALFORMED');
    });

    test('each action needs its UI-Scopes grant: 403 without it, success with the others', async () => {
      const as = async (group: string): Promise<string> => `Bearer ${await registry.token([group])}`;
      const noList = await as('no-list');
      assertForbidden(await registry.http().get('/api/servers').set('authorization', noList));
      assertForbidden(await registry.http().get('/api/servers/notes').set('authorization', noList));
      await registry.http().patch('/api/servers/notes').set('authorization', noList).send({ description: 'by no-list' }).expect(200);

      const noRegister = await as('no-register');
      assertForbidden(await registry.http().post('/api/servers').set('authorization', noRegister).send(entry('/made-by-no-register')));
      assertForbidden(await registry.http().post('/api/servers').set('authorization', noRegister).send({ garbage: true }));
      await registry.http().get('/api/servers/made-by-no-register').set('authorization', admin).expect(404);
      await registry.http().get('/api/servers').set('authorization', noRegister).expect(200);

      const noModify = await as('no-modify');
      assertForbidden(await registry.http().put('/api/servers/notes').set('authorization', noModify).send(entry('/notes')));
      assertForbidden(await registry.http().patch('/api/servers/notes').set('authorization', noModify).send({ description: 'x' }));
      await registry.http().post('/api/servers/notes/toggle').set('authorization', noModify).send({ enabled: true }).expect(200);

      const noToggle = await as('no-toggle');
      assertForbidden(await registry.http().post('/api/servers/notes/toggle').set('authorization', noToggle));
      assertForbidden(await registry.http().patch('/api/servers/notes').set('authorization', noToggle).send({ enabled: false }));
      await registry.http().patch('/api/servers/notes').set('authorization', noToggle).send({ enabled: true, description: 'still on' }).expect(200);
      await registry.http().put('/api/servers/notes').set('authorization', noToggle).send(entry('/notes')).expect(200);
      assert.equal((await registry.http().get('/api/servers/notes').set('authorization', admin)).body.enabled, true);

      const noDelete = await as('no-delete');
      assertForbidden(await registry.http().delete('/api/servers/notes').set('authorization', noDelete));
      await registry.http().get('/api/servers/notes').set('authorization', admin).expect(200);
      await registry.http().post('/api/servers').set('authorization', noDelete).send(entry('/by-no-delete')).expect(201);
      await registry.http().delete('/api/servers/by-no-delete').set('authorization', admin).expect(204);
    });

    test('a caller without a grant learns nothing about which paths exist', async () => {
      const reader = `Bearer ${await registry.token(['readers'])}`;
      assertForbidden(await registry.http().delete('/api/servers/notes').set('authorization', reader));
      assertForbidden(await registry.http().delete('/api/servers/does-not-exist').set('authorization', reader));
    });

    test('a caller with no scopes at all is refused every action', async () => {
      const nobody = `Bearer ${await registry.token(['unknown-group'])}`;
      for (const [, call] of endpoints) assertForbidden(await call(nobody));
    });

    test('the list shows only what list_service allows, and single reads follow the same grant', async () => {
      const team = `Bearer ${await registry.token(['team'])}`;
      const listed = await registry.http().get('/api/servers').set('authorization', team).expect(200);
      assert.deepEqual(listed.body.servers.map((s: { path: string }) => s.path), ['/currenttime', '/team/weather']);
      await registry.http().get('/api/servers/currenttime').set('authorization', team).expect(200);
      assertForbidden(await registry.http().get('/api/servers/notes').set('authorization', team));
      const everything = await registry.http().get('/api/servers').set('authorization', admin).expect(200);
      assert.deepEqual(everything.body.servers.map((s: { path: string }) => s.path), ['/currenttime', '/notes', '/team/weather']);
    });

    test('register_service is checked against the path being registered', async () => {
      const team = `Bearer ${await registry.token(['team'])}`;
      assertForbidden(await registry.http().post('/api/servers').set('authorization', team).send(entry('/team/other')));
      await registry.http().post('/api/servers').set('authorization', team).send(entry('team/new')).expect(201);
      assertForbidden(await registry.http().get('/api/servers/team/new').set('authorization', team));
      await registry.http().delete('/api/servers/team/new').set('authorization', admin).expect(204);
    });

    test("scope names in the token's scope claim grant like group mappings", async () => {
      const scoped = `Bearer ${await registry.token([], { scopes: ['registry-admin'] })}`;
      await registry.http().post('/api/servers').set('authorization', scoped).send(entry('/by-scope')).expect(201);
      await registry.http().delete('/api/servers/by-scope').set('authorization', scoped).expect(204);
      const unknownScope = `Bearer ${await registry.token([], { scopes: ['made-up'] })}`;
      assertForbidden(await registry.http().get('/api/servers').set('authorization', unknownScope));
    });

    test('editing scopes.yml changes what a caller may do, without a restart; a broken edit is ignored', async () => {
      const reader = `Bearer ${await registry.token(['readers'])}`;
      const tryRegister = () => registry.http().post('/api/servers').set('authorization', reader).send(entry('/hot-reload'));
      assertForbidden(await tryRegister());

      const granted = TEST_SCOPES.replace('  registry-reader:\n', '  registry-reader:\n    register_service: [/hot-reload]\n    delete_service: [/hot-reload]\n');
      assert.notEqual(granted, TEST_SCOPES);
      await registry.writeScopes(granted);
      await eventually(async () => (await tryRegister()).status === 201, 'the grant to take effect');
      await registry.http().delete('/api/servers/hot-reload').set('authorization', reader).expect(204);

      await registry.writeScopes(`${granted}\nnot-valid: [{ server: x, colour: red }]\n`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tryRegister().then((r) => assert.equal(r.status, 201, 'the last good scopes stay in force'));

      await registry.writeScopes(TEST_SCOPES);
      // While the grant holds, registering again is a conflict (409); once withdrawn it is forbidden.
      await eventually(async () => (await tryRegister()).status === 403, 'the grant to be withdrawn');
      assertForbidden(await registry.http().delete('/api/servers/hot-reload').set('authorization', reader));
      await registry.http().delete('/api/servers/hot-reload').set('authorization', admin).expect(204);
    });
  });
}
