import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { registryBackends } from './support/registry-backends.js';
import { entry, startTestRegistry, type TestRegistry } from './support/test-registry.js';

/**
 * `admins` may do everything; everyone else may list every server. `team-a` is an IdP group that a
 * group-restricted server names; `owners` may also modify /secret (and so see it).
 */
const SCOPES = `
group_mappings:
  admins: [registry-admin]
  team-a: [lister]
  team-b: [lister]
  owners: [lister, secret-owner]
UI-Scopes:
  registry-admin:
    list_service: [all]
    register_service: [all]
    modify_service: [all]
    delete_service: [all]
  lister:
    list_service: [all]
  secret-owner:
    modify_service: [/secret]
`;

for (const { backend, skip } of await registryBackends()) {
  describe(`server visibility (${backend})`, { skip }, () => {
    let registry: TestRegistry;
    const bearer: Record<string, string> = {};

    before(async () => {
      registry = await startTestRegistry(SCOPES, { backend });
      for (const group of ['admins', 'team-a', 'team-b', 'owners']) bearer[group] = `Bearer ${await registry.token([group])}`;
      const register = (body: Record<string, unknown>) =>
        registry.http().post('/api/servers').set('authorization', bearer.admins as string).send(body).expect(201);
      await register(entry('/open'));
      await register(entry('/team', { visibility: 'group-restricted', allowed_groups: ['team-a', 'other'] }));
      await register(entry('/secret', { visibility: 'private' }));
    });
    after(() => registry.close());

    const listed = async (group: string): Promise<string[]> => {
      const response = await registry.http().get('/api/servers').set('authorization', bearer[group] as string).expect(200);
      return (response.body.servers as Array<{ path: string }>).map((s) => s.path);
    };
    const read = (group: string, path: string) => registry.http().get(`/api/servers${path}`).set('authorization', bearer[group] as string);

    test('public servers are seen by everyone who may list', async () => {
      for (const group of ['admins', 'team-a', 'team-b', 'owners']) {
        assert.ok((await listed(group)).includes('/open'), group);
        await read(group, '/open').expect(200);
      }
    });

    test('a group-restricted server is seen only by its groups (and those who may modify it)', async () => {
      assert.deepEqual(await listed('team-a'), ['/open', '/team']);
      assert.deepEqual(await listed('team-b'), ['/open']);
      await read('team-a', '/team').expect(200);
      const hidden = await read('team-b', '/team');
      assert.equal(hidden.status, 404);
      assert.equal(hidden.body.error.code, 'REGISTRY_SERVER_NOT_FOUND');
      assert.deepEqual(await listed('admins'), ['/open', '/secret', '/team']);
    });

    test('a private server is seen only by those who may modify it', async () => {
      assert.deepEqual(await listed('owners'), ['/open', '/secret']);
      await read('owners', '/secret').expect(200);
      for (const group of ['team-a', 'team-b']) {
        const hidden = await read(group, '/secret');
        assert.equal(hidden.status, 404, group);
        assert.equal(hidden.body.error.code, 'REGISTRY_SERVER_NOT_FOUND');
      }
      await read('admins', '/secret').expect(200);
    });

    test('changing the visibility changes who sees the server at once', async () => {
      const admin = bearer.admins as string;
      await registry.http().patch('/api/servers/secret').set('authorization', admin).send({ visibility: 'group-restricted', allowed_groups: ['team-b'] }).expect(200);
      assert.deepEqual(await listed('team-b'), ['/open', '/secret']);
      assert.equal((await read('team-a', '/secret')).status, 404);
      await registry.http().patch('/api/servers/secret').set('authorization', admin).send({ visibility: 'private' }).expect(200);
      assert.deepEqual(await listed('team-b'), ['/open']);
    });
  });
}
