import { describe, test, afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import type { StoredSession } from '../../registry/src/store/session-repository.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { createTestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { fields } from './server-repository-contract.js';
import { registryBackends } from './support/registry-backends.js';

const identity = (user: string): Identity => ({
  user,
  username: `${user}-name`,
  clientId: 'registry-web',
  groups: ['g1', 'g:2'],
  tokenScopes: ['s1'],
  authMethod: 'session:keycloak',
  expiresAt: 1_900_000_000,
});
const session = (id: string, user: string, expiresAt = '2030-01-01T00:00:00.000Z'): StoredSession => ({
  id,
  identity: identity(user),
  provider: 'keycloak',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt,
});

for (const { backend, skip } of await registryBackends()) {
  describe(`SessionRepository contract and sealed credentials column: ${backend}`, { skip }, () => {
    let stores: RegistryStore[];
    let cleanup: () => Promise<void>;
    let open: () => Promise<RegistryStore>;

    beforeEach(async () => {
      stores = [];
      if (backend === 'sqlite') {
        const temp = makeTempDir('mcpgw-sessions-');
        open = () => openSqliteStore(path.join(temp.dir, 'data'));
        cleanup = async () => temp.remove();
      } else {
        const schema = await createTestSchema();
        open = () => openPostgresStore({ url: schema.url, schema: schema.schema });
        cleanup = () => schema.drop();
      }
      stores.push(await open());
    });
    afterEach(async () => {
      try {
        for (const store of stores) await store.close();
      } finally {
        await cleanup();
      }
    });
    const store = () => stores[0] as RegistryStore;

    test('a session is read back whole, by id only', async () => {
      await store().sessions.create(session('a'.repeat(64), 'alice'));
      assert.deepEqual(await store().sessions.get('a'.repeat(64)), session('a'.repeat(64), 'alice'));
      assert.equal(await store().sessions.get('b'.repeat(64)), undefined);
    });

    test('revoking one session, every session of a user, and the expired ones', async () => {
      await store().sessions.create(session('1', 'alice'));
      await store().sessions.create(session('2', 'alice'));
      await store().sessions.create(session('3', 'bob'));
      await store().sessions.create(session('4', 'bob', '2020-01-01T00:00:00.000Z'));
      assert.equal(await store().sessions.revoke('3'), true);
      assert.equal(await store().sessions.revoke('3'), false);
      assert.equal(await store().sessions.revokeUser('alice'), 2);
      assert.equal(await store().sessions.get('1'), undefined);
      assert.equal(await store().sessions.deleteExpired(new Date('2026-06-01T00:00:00Z')), 1);
      assert.equal(await store().sessions.get('4'), undefined);
    });

    test('another replica on the same database sees a session and its revocation at once', async () => {
      const other = await open();
      stores.push(other);
      await store().sessions.create(session('shared', 'carol'));
      assert.equal((await other.sessions.get('shared'))?.identity.user, 'carol');
      await other.sessions.revoke('shared');
      assert.equal(await store().sessions.get('shared'), undefined);
    });

    test('a server keeps its sealed credential, loses it when cleared, and has none by default', async () => {
      const plain = await store().servers.create('/plain', fields());
      assert.equal(plain.upstreamAuth, undefined);
      assert.equal((await store().servers.get('/plain'))?.upstreamAuth, undefined);
      await store().servers.create('/sealed', fields({ upstreamAuth: '{"scheme":"bearer","sealed":"v1.x.y.z"}' }));
      assert.equal((await store().servers.get('/sealed'))?.upstreamAuth, '{"scheme":"bearer","sealed":"v1.x.y.z"}');
      const before = await store().servers.routesVersion();
      await store().servers.update('/sealed', { upstreamAuth: null });
      assert.equal((await store().servers.get('/sealed'))?.upstreamAuth, undefined);
      assert.notEqual(await store().servers.routesVersion(), before, 'a credential change reaches the gateways');
    });
  });
}
