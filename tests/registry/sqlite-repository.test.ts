import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteServerRepository } from '../../registry/src/store/sqlite/sqlite-server-repository.js';
import { LATEST_SCHEMA_VERSION } from '../../registry/src/store/sqlite/sqlite-migrations.js';
import { makeTempDir } from '../support/temp-dir.js';
import { fields, runServerRepositoryContract } from './server-repository-contract.js';

runServerRepositoryContract('sqlite', async () => {
  const temp = makeTempDir('mcpgw-registry-store-');
  const dataDir = path.join(temp.dir, 'data');
  return {
    open: (options) => openSqliteServerRepository(dataDir, options),
    destroy: async () => temp.remove(),
  };
});

describe('SQLite store specifics', () => {
  test('creates DATA_DIR and registry.db on first open, in WAL mode, with the migrations recorded', async (t) => {
    const temp = makeTempDir('mcpgw-registry-store-');
    t.after(() => temp.remove());
    const dataDir = path.join(temp.dir, 'nested', 'data');
    const repository = await openSqliteServerRepository(dataDir);
    await repository.create('/currenttime', fields());

    const file = path.join(dataDir, 'registry.db');
    assert.ok(existsSync(file));
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      assert.deepEqual(versions, Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
      assert.equal(db.prepare('SELECT count(*) FROM servers').pluck().get(), 1);
    } finally {
      db.close();
      await repository.close();
    }
  });

  test('reopening applies no migration twice', async (t) => {
    const temp = makeTempDir('mcpgw-registry-store-');
    t.after(() => temp.remove());
    for (let i = 0; i < 3; i += 1) await (await openSqliteServerRepository(temp.dir)).close();
    const db = new BetterSqlite3(path.join(temp.dir, 'registry.db'), { readonly: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  test('refuses a database from a newer registry', async (t) => {
    const temp = makeTempDir('mcpgw-registry-store-');
    t.after(() => temp.remove());
    await (await openSqliteServerRepository(temp.dir)).close();
    const db = new BetterSqlite3(path.join(temp.dir, 'registry.db'));
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '2030-01-01T00:00:00Z')").run(LATEST_SCHEMA_VERSION + 1);
    db.close();
    await assert.rejects(openSqliteServerRepository(temp.dir), /newer than this registry knows/);
  });

  test('a database made before the full server model is upgraded in place, its servers given the defaults', async (t) => {
    const temp = makeTempDir('mcpgw-registry-store-');
    t.after(() => temp.remove());
    const db = new BetterSqlite3(path.join(temp.dir, 'registry.db'));
    db.exec(`
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;
      INSERT INTO schema_migrations VALUES (1, 'servers and routes version', '2026-01-01T00:00:00.000Z');
      CREATE TABLE servers (
        path TEXT PRIMARY KEY, server_name TEXT NOT NULL, description TEXT NOT NULL, proxy_pass_url TEXT NOT NULL,
        tags TEXT NOT NULL, supported_transports TEXT NOT NULL, enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        license TEXT, tool_list TEXT, registered_at TEXT NOT NULL, updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE routes_version (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL, counter INTEGER NOT NULL) STRICT;
      INSERT INTO routes_version VALUES (1, 'cafe0001', 7);
      INSERT INTO servers VALUES ('/currenttime', 'Current time', 'Tells the time', 'http://127.0.0.1:8101/', '["time"]',
        '["streamable-http"]', 1, NULL, NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    `);
    db.close();
    const repository = await openSqliteServerRepository(temp.dir);
    t.after(() => repository.close());
    assert.deepEqual(await repository.get('/currenttime'), {
      ...fields(),
      path: '/currenttime',
      revision: 1,
      registeredAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    assert.equal(await repository.routesVersion(), 'cafe0001.7');
    assert.equal((await repository.update('/currenttime', { visibility: 'private' }))?.revision, 2);
  });

  test('a write that fails part-way leaves neither the entry nor a version change behind', async (t) => {
    const temp = makeTempDir('mcpgw-registry-store-');
    t.after(() => temp.remove());
    const repository = await openSqliteServerRepository(temp.dir);
    t.after(() => repository.close());
    const before = await repository.create('/currenttime', fields());
    const version = await repository.routesVersion();
    await assert.rejects(
      repository.update('/currenttime', () => {
        throw new Error('interrupted');
      }),
      /interrupted/,
    );
    // Make the version bump, the last step of every write, fail after the row itself was written.
    const saboteur = new BetterSqlite3(path.join(temp.dir, 'registry.db'));
    saboteur.exec("CREATE TRIGGER fail_bump BEFORE UPDATE ON routes_version BEGIN SELECT RAISE(ABORT, 'crash'); END");
    await assert.rejects(repository.update('/currenttime', { enabled: false, description: 'half-written' }), /crash/);
    await assert.rejects(repository.create('/notes', fields()), /crash/);
    await assert.rejects(repository.delete('/currenttime'), /crash/);
    saboteur.exec('DROP TRIGGER fail_bump');
    saboteur.close();
    assert.equal(await repository.routesVersion(), version);
    assert.deepEqual(await repository.list(), [{ ...fields(), path: '/currenttime', revision: 1, registeredAt: before.registeredAt, updatedAt: before.updatedAt }]);
  });
});
