import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import request, { type Response } from 'supertest';
import yaml from 'js-yaml';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { UI_ACTIONS } from '@mcpgw/lib/scopes/scopes-schema.js';
import { startAuthServer, type RunningAuthServer } from '../../auth-server/src/start-auth-server.js';
import { ON_DISK_AUTHOR } from '../../registry/src/services/scopes/scopes-service.js';
import { SCOPES_HISTORY_LIMIT } from '../../registry/src/store/scopes-history-repository.js';
import { registryBackends } from './support/registry-backends.js';
import { eventually, startTestRegistry, type TestRegistry } from './support/test-registry.js';

/** `admins` hold every action; `editors` may read and edit scopes; `viewers` only read; `listers` neither. */
const SCOPES = `# Access control for the scopes API tests.
# This header comment survives edits made piece by piece.

group_mappings:
  admins: [registry-admin, servers/all]
  editors: [scopes-editor]
  viewers: [scopes-viewer]
  listers: [lister]
UI-Scopes:
  registry-admin:
${UI_ACTIONS.map((action) => `    ${action}: [all]`).join('\n')}
  scopes-editor:
    view_scopes: [all]
    modify_scopes: [all]
  scopes-viewer:
    view_scopes: [all]
  lister:
    list_service: [all]
    view_scopes: [/currenttime]   # a path grant does not count for scopes
    modify_scopes: [/currenttime]
servers/all:
  - server: '*'
    methods: [all]
    tools: [all]
# Forecasts, for whoever is mapped to it.
weather/basic:
  - server: weather
    methods: [tools/list]
    tools: [get_forecast]
`;

function assertError(response: Response, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
  assert.equal(typeof response.body.error.message, 'string');
}

for (const { backend, skip } of await registryBackends()) {
  describe(`scopes API (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    let auth: RunningAuthServer;
    const bearer: Record<string, string> = {};

    before(async () => {
      registry = await startTestRegistry(SCOPES, { backend });
      auth = await startAuthServer({ port: 0, dataDir: registry.dataDir, scopesFile: registry.scopesFile, logger: pino({ level: 'silent' }) });
      for (const group of ['admins', 'editors', 'viewers', 'listers']) bearer[group] = `Bearer ${await registry.mint.token(group, [group])}`;
    });
    after(async () => {
      await auth.close();
      await registry.close();
    });

    const as = (group: string) => ({
      get: (url: string) => registry.http().get(url).set('authorization', bearer[group] as string),
      put: (url: string, body?: object | string) => registry.http().put(url).set('authorization', bearer[group] as string).send(body),
      delete: (url: string) => registry.http().delete(url).set('authorization', bearer[group] as string),
      post: (url: string, body?: object) => registry.http().post(url).set('authorization', bearer[group] as string).send(body),
    });
    const editor = as('editors');
    const current = async () => (await editor.get('/api/scopes').expect(200)).body as { revision: number; document: Record<string, any> };
    const onDisk = () => readFileSync(registry.scopesFile, 'utf8');
    /** Restores the fixture through the API, as a new revision. */
    const reset = async () => {
      const { revision } = await current();
      await editor.put('/api/scopes', SCOPES).set('content-type', 'application/yaml').set('if-match', `"${revision}"`).expect(200);
    };

    test('GET answers the parsed file and its revision; the file as found is revision 1', async () => {
      const response = await editor.get('/api/scopes').expect(200);
      assert.equal(response.body.revision, 1);
      assert.equal(response.headers.etag, '"1"');
      assert.equal(response.body.updated_by, ON_DISK_AUTHOR);
      assert.equal(response.body.valid, true);
      assert.deepEqual(response.body.document, yaml.load(SCOPES));
      assert.deepEqual(Object.keys(response.body.document), ['group_mappings', 'UI-Scopes', 'servers/all', 'weather/basic']);
      const text = await editor.get('/api/scopes').set('accept', 'application/yaml').expect(200);
      assert.match(text.headers['content-type'] ?? '', /yaml/);
      assert.equal(text.text, SCOPES);
      assert.equal((await editor.get('/api/scopes').expect(200)).body.revision, 1, 'reads make no revision');
    });

    test('view_scopes reads and modify_scopes edits, each only when granted with all', async () => {
      await as('viewers').get('/api/scopes').expect(200);
      await as('viewers').get('/api/scopes/history').expect(200);
      assertError(await as('viewers').put('/api/scopes/groups/x').send({ scopes: [] }), 403, 'REGISTRY_FORBIDDEN');
      assertError(await as('viewers').post('/api/scopes/rollback/1'), 403, 'REGISTRY_FORBIDDEN');
      assertError(await as('listers').get('/api/scopes'), 403, 'REGISTRY_FORBIDDEN');
      assertError(await as('listers').put('/api/scopes/groups/x').send({ scopes: [] }), 403, 'REGISTRY_FORBIDDEN');
      const anonymous = await request(registry.url).get('/api/scopes');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'AUTH_TOKEN_MISSING');
      await as('admins').get('/api/scopes').expect(200);
    });

    test('group mappings: PUT sets a group, DELETE removes it, each edit a new revision', async () => {
      const before = await current();
      const set = await editor.put('/api/scopes/groups/forecasters').send({ scopes: ['weather/basic'] }).expect(200);
      assert.equal(set.body.revision, before.revision + 1);
      assert.equal(set.headers.etag, `"${before.revision + 1}"`);
      assert.deepEqual(set.body.document.group_mappings.forecasters, ['weather/basic']);
      assert.deepEqual((yaml.load(onDisk()) as any).group_mappings.forecasters, ['weather/basic']);
      const slashed = await editor.put(`/api/scopes/groups/${encodeURIComponent('/org/ops')}`).send({ scopes: ['weather/basic'] }).expect(200);
      assert.deepEqual(slashed.body.document.group_mappings['/org/ops'], ['weather/basic']);
      const removed = await editor.delete('/api/scopes/groups/forecasters').expect(200);
      assert.equal('forecasters' in removed.body.document.group_mappings, false);
      assertError(await editor.delete('/api/scopes/groups/forecasters'), 404, 'REGISTRY_SCOPES_NOT_FOUND');
      await reset();
    });

    test('server scopes and UI scopes: PUT and DELETE, names with slashes included', async () => {
      const entries = [{ server: 'notes', methods: ['tools/list'], tools: ['list_notes'] }];
      const set = await editor.put('/api/scopes/servers/notes/reader').send({ entries }).expect(200);
      assert.deepEqual(set.body.document['notes/reader'], entries);
      const ui = await editor.put('/api/scopes/ui/notes-admin').send({ actions: { list_service: ['/notes'], toggle_service: ['notes'] } }).expect(200);
      assert.deepEqual(ui.body.document['UI-Scopes']['notes-admin'], { list_service: ['/notes'], toggle_service: ['notes'] });
      await editor.put('/api/scopes/groups/notes-team').send({ scopes: ['notes/reader', 'notes-admin'] }).expect(200);
      const file = onDisk();
      assert.ok(file.startsWith('# Access control for the scopes API tests.\n# This header comment survives'), file.slice(0, 200));
      assert.deepEqual(Object.keys(yaml.load(file) as object), ['group_mappings', 'UI-Scopes', 'servers/all', 'weather/basic', 'notes/reader']);

      // A scope still mapped to a group cannot go: the validation names the dangling reference.
      const dangling = await editor.delete('/api/scopes/servers/notes/reader');
      assertError(dangling, 400, 'REGISTRY_INVALID_SCOPES');
      assert.deepEqual(dangling.body.error.problems.map((p: { path: string }) => p.path), ['group_mappings.notes-team[0]']);
      await editor.delete('/api/scopes/groups/notes-team').expect(200);
      await editor.delete('/api/scopes/servers/notes/reader').expect(200);
      await editor.delete('/api/scopes/ui/notes-admin').expect(200);
      assertError(await editor.delete('/api/scopes/ui/notes-admin'), 404, 'REGISTRY_SCOPES_NOT_FOUND');
      assertError(await editor.delete('/api/scopes/servers/nothing'), 404, 'REGISTRY_SCOPES_NOT_FOUND');
      assertError(await editor.put('/api/scopes/servers/UI-Scopes').send({ entries: [] }), 400, 'REGISTRY_INVALID_SCOPES');
      assert.deepEqual(yaml.load(onDisk()), yaml.load(SCOPES));
      await reset();
    });

    test('an edit that does not validate is refused with every problem and changes nothing', async () => {
      const before = await current();
      const text = onDisk();
      const bad = await editor.put('/api/scopes/servers/broken').send({ entries: [{ server: 'x', colour: 'red' }, { methods: ['a'] }] });
      assertError(bad, 400, 'REGISTRY_INVALID_SCOPES');
      assert.deepEqual(bad.body.error.problems.map((p: { path: string }) => p.path).sort(), ['broken[0]', 'broken[1].server']);
      const ui = await editor.put('/api/scopes/ui/x').send({ actions: { fly: ['all'], list_service: 'all' } });
      assertError(ui, 400, 'REGISTRY_INVALID_SCOPES');
      assert.deepEqual(ui.body.error.problems.map((p: { path: string }) => p.path).sort(), ['UI-Scopes.x', 'UI-Scopes.x.list_service']);
      assertError(await editor.put('/api/scopes/groups/g').send({ scopes: ['undefined-scope'] }), 400, 'REGISTRY_INVALID_SCOPES');
      assertError(await editor.put('/api/scopes/groups/g').send({ scope: ['x'] }), 400, 'REGISTRY_INVALID_SCOPES');
      assertError(await editor.put('/api/scopes', 'group_mappings: [').set('content-type', 'application/yaml').set('if-match', `"${before.revision}"`), 400, 'REGISTRY_INVALID_SCOPES');
      assert.equal(onDisk(), text);
      assert.equal((await current()).revision, before.revision);
    });

    test('replacing the whole file needs the revision read, and a stale one is refused with 409', async () => {
      const before = await current();
      const next = SCOPES.replace('  listers: [lister]\n', '  listers: [lister]\n  forecasters: [weather/basic]\n');
      assertError(await editor.put('/api/scopes', next).set('content-type', 'application/yaml'), 428, 'REGISTRY_REVISION_REQUIRED');
      assertError(
        await editor.put('/api/scopes', next).set('content-type', 'application/yaml').set('if-match', `"${before.revision - 1}"`),
        409,
        'REGISTRY_REVISION_CONFLICT',
      );
      const replaced = await editor.put('/api/scopes', next).set('content-type', 'application/yaml').set('if-match', `"${before.revision}"`).expect(200);
      assert.equal(replaced.body.revision, before.revision + 1);
      assert.equal(onDisk(), next, 'YAML sent whole is written as sent, comments included');

      const document = { ...replaced.body.document, group_mappings: { ...replaced.body.document.group_mappings, extra: ['weather/basic'] } };
      assertError(await editor.put('/api/scopes').send({ document, revision: before.revision }), 409, 'REGISTRY_REVISION_CONFLICT');
      assertError(await editor.put('/api/scopes').send({ document, revision: 1 }).set('if-match', '"2"'), 400, 'REGISTRY_INVALID_REVISION');
      const asJson = await editor.put('/api/scopes').send({ document, revision: replaced.body.revision }).expect(200);
      assert.deepEqual(asJson.body.document.group_mappings.extra, ['weather/basic']);
      assert.ok(onDisk().startsWith('# Access control for the scopes API tests.'));

      // Focused edits may carry the revision too.
      assertError(await editor.put('/api/scopes/groups/extra').send({ scopes: [], revision: replaced.body.revision }), 409, 'REGISTRY_REVISION_CONFLICT');
      await editor.delete('/api/scopes/groups/extra').set('if-match', `"${asJson.body.revision}"`).expect(200);
      await reset();
    });

    test('a hand edit of the file becomes a revision of its own, so a client that read before it gets 409', async () => {
      const before = await current();
      await registry.writeScopes(SCOPES.replace('  listers: [lister]\n', '  listers: [lister]\n  by-hand: [lister]\n'));
      const stale = await editor.put('/api/scopes/groups/x').set('if-match', `"${before.revision}"`).send({ scopes: [] });
      assertError(stale, 409, 'REGISTRY_REVISION_CONFLICT');
      const seen = await current();
      assert.equal(seen.revision, before.revision + 1);
      assert.deepEqual(seen.document.group_mappings['by-hand'], ['lister']);
      const history = (await editor.get('/api/scopes/history').expect(200)).body.revisions;
      assert.equal(history[0].author, ON_DISK_AUTHOR);
      await reset();
    });

    test('an edit may not take away the last group with every action on all servers', async () => {
      assertError(await editor.delete('/api/scopes/groups/admins'), 409, 'REGISTRY_SCOPES_LOCKOUT');
      assertError(await editor.put('/api/scopes/groups/admins').send({ scopes: ['servers/all'] }), 409, 'REGISTRY_SCOPES_LOCKOUT');
      const withoutModify = Object.fromEntries(UI_ACTIONS.filter((a) => a !== 'modify_scopes').map((a) => [a, ['all']]));
      assertError(await editor.put('/api/scopes/ui/registry-admin').send({ actions: withoutModify }), 409, 'REGISTRY_SCOPES_LOCKOUT');
      const pathOnly = { ...withoutModify, modify_scopes: ['/currenttime'] };
      assertError(await editor.put('/api/scopes/ui/registry-admin').send({ actions: pathOnly }), 409, 'REGISTRY_SCOPES_LOCKOUT');
      // With a second administrator group, the first may go.
      await editor.put('/api/scopes/groups/root').send({ scopes: ['registry-admin'] }).expect(200);
      await editor.delete('/api/scopes/groups/admins').expect(200);
      assertError(await editor.delete('/api/scopes/groups/root'), 409, 'REGISTRY_SCOPES_LOCKOUT');
      await reset();
    });

    test('the history records who edited what and when; any kept revision can be rolled back to', async () => {
      await reset();
      const base = (await current()).revision;
      await editor.put('/api/scopes/groups/step-one').send({ scopes: ['lister'] }).expect(200);
      await as('admins').put('/api/scopes/groups/step-two').send({ scopes: ['lister'] }).expect(200);
      const history = (await as('viewers').get('/api/scopes/history').expect(200)).body.revisions as Array<Record<string, unknown>>;
      assert.deepEqual(
        history.slice(0, 3).map(({ revision, author, action }) => ({ revision, author, action })),
        [
          { revision: base + 2, author: 'admins', action: 'PUT /api/scopes/groups/step-two' },
          { revision: base + 1, author: 'editors', action: 'PUT /api/scopes/groups/step-one' },
          { revision: base, author: 'editors', action: 'PUT /api/scopes' },
        ],
      );
      for (const entry of history) assert.match(String(entry.created_at), /^\d{4}-\d{2}-\d{2}T/);
      const old = await as('viewers').get(`/api/scopes/history/${base + 1}`).expect(200);
      assert.deepEqual(Object.keys(old.body.document.group_mappings).includes('step-two'), false);
      assert.equal((await as('viewers').get(`/api/scopes/history/${base + 1}`).set('accept', 'text/yaml')).text.includes('step-one'), true);

      const rolled = await editor.post(`/api/scopes/rollback/${base}`).expect(200);
      assert.equal(rolled.body.revision, base + 3);
      assert.equal(onDisk(), SCOPES);
      assert.equal((await editor.get('/api/scopes/history')).body.revisions[0].action, `POST /api/scopes/rollback/${base}`);
      assertError(await editor.post(`/api/scopes/rollback/${base + 1}`).set('if-match', `"${base}"`), 409, 'REGISTRY_REVISION_CONFLICT');
      assertError(await editor.post('/api/scopes/rollback/99999'), 404, 'REGISTRY_SCOPES_NOT_FOUND');
      assertError(await editor.get('/api/scopes/history/abc'), 400, 'REGISTRY_INVALID_SCOPES');
    });

    test(`the history keeps the last ${SCOPES_HISTORY_LIMIT} edits`, async () => {
      for (let i = 0; i < SCOPES_HISTORY_LIMIT + 2; i += 1) {
        await editor.put(`/api/scopes/groups/g${i % 2}`).send({ scopes: i % 4 < 2 ? ['lister'] : [] }).expect(200);
      }
      const revisions = (await editor.get('/api/scopes/history').expect(200)).body.revisions as Array<{ revision: number }>;
      assert.equal(revisions.length, SCOPES_HISTORY_LIMIT);
      const latest = (await current()).revision;
      assert.equal(revisions[0]?.revision, latest);
      assertError(await editor.post(`/api/scopes/rollback/${latest - SCOPES_HISTORY_LIMIT}`), 404, 'REGISTRY_SCOPES_NOT_FOUND');
      await reset();
    });

    test('an edit is in force at an auth-server watching the file, without a restart', async () => {
      const forecaster = await registry.mint.token('fiona', ['forecasters']);
      const validate = () =>
        request(auth.url)
          .get('/validate')
          .set({ authorization: `Bearer ${forecaster}`, 'x-original-method': 'POST', 'x-server-path': '/weather', 'x-mcp-method': 'tools%2Fcall', 'x-mcp-tool': 'get_forecast' });
      // The auth-server watches the file: the reset of the test before may still be on its way.
      await eventually(async () => (await validate()).status === 403, 'the auth-server to start without the grant');
      await editor.put('/api/scopes/groups/forecasters').send({ scopes: ['weather/basic'] }).expect(200);
      await eventually(async () => (await validate()).status === 200, 'the auth-server to apply the edit');
      // The registry applies its own edits at once.
      await editor.put('/api/scopes/ui/forecast-lister').send({ actions: { list_service: ['all'] } }).expect(200);
      await editor.put('/api/scopes/groups/forecasters').send({ scopes: ['weather/basic', 'forecast-lister'] }).expect(200);
      await registry.http().get('/api/servers').set('authorization', `Bearer ${forecaster}`).expect(200);
      await editor.delete('/api/scopes/groups/forecasters').expect(200);
      await eventually(async () => (await validate()).status === 403, 'the auth-server to apply the removal');
      await reset();
    });

    test('a scopes file broken by hand can still be replaced whole or rolled back, not edited piece by piece', async () => {
      const good = await current();
      await writeFileAtomic(registry.scopesFile, 'group_mappings: [\n');
      const seen = await editor.get('/api/scopes').expect(200);
      assert.equal(seen.body.valid, false);
      assert.equal(seen.body.revision, good.revision + 1);
      assert.equal(seen.body.problems.length, 1);
      assertError(await editor.put('/api/scopes/groups/x').send({ scopes: [] }), 409, 'REGISTRY_SCOPES_FILE_BROKEN');
      await editor.post(`/api/scopes/rollback/${good.revision}`).expect(200);
      assert.equal(onDisk(), SCOPES);
      assert.equal((await current()).revision, good.revision + 2);
    });
  });
}
