import { describe, test, afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { SCOPES_HISTORY_LIMIT } from '../../registry/src/store/scopes-history-repository.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { createTestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { registryBackends } from './support/registry-backends.js';

const CLOCK = () => new Date('2026-02-03T04:05:06.789Z');

for (const { backend, skip } of await registryBackends()) {
  describe(`ScopesHistoryRepository contract: ${backend}`, { skip }, () => {
    let stores: RegistryStore[];
    let cleanup: () => Promise<void>;
    let open: () => Promise<RegistryStore>;

    beforeEach(async () => {
      stores = [];
      if (backend === 'sqlite') {
        const temp = makeTempDir('mcpgw-scopes-history-');
        open = () => openSqliteStore(path.join(temp.dir, 'data'), { clock: CLOCK });
        cleanup = async () => temp.remove();
      } else {
        const schema = await createTestSchema();
        open = () => openPostgresStore({ url: schema.url, schema: schema.schema }, { clock: CLOCK });
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
    const history = () => (stores[0] as RegistryStore).scopesHistory;

    test('an empty history has no latest revision', async () => {
      assert.equal(await history().latest(), undefined);
      assert.equal(await history().get(1), undefined);
      assert.deepEqual(await history().list(), []);
    });

    test('appends are numbered from 1 and read back whole; the list is newest first, without text', async () => {
      const first = await history().exclusive((edit) => edit.append({ text: 'a: []\n', author: 'alice', action: 'PUT /api/scopes' }));
      assert.deepEqual(first, { revision: 1, text: 'a: []\n', author: 'alice', action: 'PUT /api/scopes', createdAt: CLOCK().toISOString() });
      const second = await history().exclusive(async (edit) => {
        assert.deepEqual(await edit.latest(), first);
        return edit.append({ text: 'b: []\n', author: 'bob', action: 'DELETE /api/scopes/groups/x' });
      });
      assert.equal(second.revision, 2);
      assert.deepEqual(await history().latest(), second);
      assert.deepEqual(await history().get(1), first);
      assert.deepEqual(await history().list(), [
        { revision: 2, author: 'bob', action: 'DELETE /api/scopes/groups/x', createdAt: CLOCK().toISOString() },
        { revision: 1, author: 'alice', action: 'PUT /api/scopes', createdAt: CLOCK().toISOString() },
      ]);
    });

    test(`only the newest ${SCOPES_HISTORY_LIMIT} revisions are kept`, async () => {
      const total = SCOPES_HISTORY_LIMIT + 5;
      await history().exclusive(async (edit) => {
        for (let i = 1; i <= total; i += 1) await edit.append({ text: `v${i}`, author: 'a', action: 'x' });
      });
      const kept = (await history().list()).map((r) => r.revision);
      assert.equal(kept.length, SCOPES_HISTORY_LIMIT);
      assert.equal(kept[0], total);
      assert.equal(kept.at(-1), total - SCOPES_HISTORY_LIMIT + 1);
      assert.equal(await history().get(total - SCOPES_HISTORY_LIMIT), undefined);
      assert.equal((await history().get(total))?.text, `v${total}`);
    });

    test('exclusive runs one edit at a time, even across connections', async () => {
      stores.push(await open());
      const log: string[] = [];
      const work = (name: string, store: RegistryStore) =>
        store.scopesHistory.exclusive(async (edit) => {
          log.push(`${name} in`);
          const latest = await edit.latest();
          await new Promise((resolve) => setTimeout(resolve, 20));
          await edit.append({ text: `${(latest?.revision ?? 0) + 1}`, author: name, action: 'x' });
          log.push(`${name} out`);
        });
      // Two connections exist on both backends, but SQLite serialises within one store only: use
      // the second connection only where the lock spans replicas.
      const other = backend === 'postgres' ? (stores[1] as RegistryStore) : (stores[0] as RegistryStore);
      await Promise.all([work('a', stores[0] as RegistryStore), work('b', other), work('c', stores[0] as RegistryStore)]);
      for (let i = 0; i < log.length; i += 2) assert.equal(log[i]?.replace(' in', ''), log[i + 1]?.replace(' out', ''), log.join(', '));
      const texts = (await Promise.all([1, 2, 3].map((n) => history().get(n)))).map((r) => r?.text);
      assert.deepEqual(texts, ['1', '2', '3'], 'each edit saw the one before it');
    });

    test('a failed exclusive run does not stop the next one', async () => {
      await assert.rejects(history().exclusive(async () => Promise.reject(new Error('refused'))), /refused/);
      const saved = await history().exclusive((edit) => edit.append({ text: 't', author: 'a', action: 'x' }));
      assert.equal(saved.text, 't');
    });

    if (backend === 'postgres') {
      test('on PostgreSQL the appends of a failed run are rolled back', async () => {
        await assert.rejects(
          history().exclusive(async (edit) => {
            await edit.append({ text: 'lost', author: 'a', action: 'x' });
            throw new Error('refused');
          }),
          /refused/,
        );
        assert.equal(await history().latest(), undefined);
      });
    }
  });
}
