import { describe, test, afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { VirtualServerRevisionConflict } from '../../registry/src/store/virtual-server-repository.js';
import { createTestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { registryBackends } from './support/registry-backends.js';

const CLOCK = () => new Date('2026-03-04T05:06:07.890Z');
const DEFINITION = { description: 'research tools', prefix_mode: 'collision' as const, members: [{ server: '/search', tools: ['find'], aliases: { find: 'lookup' } }] };

for (const { backend, skip } of await registryBackends()) {
  describe(`VirtualServerRepository contract: ${backend}`, { skip }, () => {
    let store: RegistryStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      if (backend === 'sqlite') {
        const temp = makeTempDir('mcpgw-virtual-store-');
        store = await openSqliteStore(path.join(temp.dir, 'data'), { clock: CLOCK });
        cleanup = async () => temp.remove();
      } else {
        const schema = await createTestSchema();
        store = await openPostgresStore({ url: schema.url, schema: schema.schema }, { clock: CLOCK });
        cleanup = () => schema.drop();
      }
    });
    afterEach(async () => {
      try {
        await store.close();
      } finally {
        await cleanup();
      }
    });

    test('put creates at revision 1 and replaces with the next, keeping the definition exactly; list is by name', async () => {
      const created = await store.virtualServers.put('research', DEFINITION);
      assert.equal(created.created, true);
      assert.deepEqual(created.stored, { name: 'research', definition: DEFINITION, revision: 1, createdAt: CLOCK().toISOString(), updatedAt: CLOCK().toISOString() });
      const replaced = await store.virtualServers.put('research', { ...DEFINITION, description: 'v2' });
      assert.equal(replaced.created, false);
      assert.equal(replaced.stored.revision, 2);
      await store.virtualServers.put('alpha', DEFINITION);
      assert.deepEqual((await store.virtualServers.list()).map((entry) => entry.name), ['alpha', 'research']);
      assert.equal((await store.virtualServers.get('research'))?.definition.description, 'v2');
    });

    test('every write moves the routes version, so gateways pick it up', async () => {
      const before = await store.servers.routesVersion();
      await store.virtualServers.put('research', DEFINITION);
      const afterPut = await store.servers.routesVersion();
      assert.notEqual(afterPut, before);
      await store.virtualServers.delete('research');
      assert.notEqual(await store.servers.routesVersion(), afterPut);
    });

    test('an expected revision guards put and delete; 0 means create only', async () => {
      await store.virtualServers.put('research', DEFINITION, 0);
      await assert.rejects(store.virtualServers.put('research', DEFINITION, 0), VirtualServerRevisionConflict);
      await assert.rejects(store.virtualServers.put('research', DEFINITION, 7), (error) => error instanceof VirtualServerRevisionConflict && error.current === 1);
      await store.virtualServers.put('research', DEFINITION, 1);
      await assert.rejects(store.virtualServers.delete('research', 1), VirtualServerRevisionConflict);
      assert.equal(await store.virtualServers.delete('research', 2), true);
      assert.equal(await store.virtualServers.delete('research'), false);
      assert.equal(await store.virtualServers.get('research'), undefined);
    });
  });
}
