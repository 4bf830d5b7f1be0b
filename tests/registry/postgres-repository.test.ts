import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import { LATEST_POSTGRES_SCHEMA_VERSION } from '../../registry/src/store/postgres/postgres-migrations.js';
import { createTestSchema, postgresSkipReason } from '../support/postgres.js';
import { fields, runServerRepositoryContract } from './server-repository-contract.js';

const skip = await postgresSkipReason();

runServerRepositoryContract(
  'postgres',
  async () => {
    const schema = await createTestSchema();
    const stores: Array<{ close(): Promise<void> }> = [];
    return {
      open: async (options) => {
        const store = await openPostgresStore({ url: schema.url, schema: schema.schema }, options);
        stores.push(store);
        return { ...store.servers, close: () => store.close() };
      },
      destroy: async () => {
        for (const store of stores) await store.close().catch(() => undefined);
        await schema.drop();
      },
    };
  },
  { skip },
);

describe('PostgreSQL store specifics', { skip }, () => {
  const withSchema = async (t: { after(fn: () => Promise<void>): void }) => {
    const schema = await createTestSchema();
    t.after(() => schema.drop());
    return schema;
  };
  const query = async (schema: { url: string; schema: string }, sql: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows;
    } finally {
      await client.end();
    }
  };

  test('replicas starting at once apply each migration exactly once, in the given schema only', async (t) => {
    const schema = await withSchema(t);
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url: schema.url, schema: schema.schema })));
    t.after(async () => {
      for (const store of stores) await store.close();
    });
    const versions = await query(schema, 'SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(versions.map((row) => row.version), Array.from({ length: LATEST_POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
    const tables = await query(schema, 'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema.schema]);
    assert.deepEqual(tables.map((row) => row.table_name), ['login_sessions', 'routes_version', 'schema_migrations', 'scopes_revisions', 'servers']);
    await stores[0]?.servers.create('/currenttime', fields());
    assert.equal((await stores[2]?.servers.get('/currenttime'))?.serverName, 'Current time');
  });

  test('refuses a database from a newer registry', async (t) => {
    const schema = await withSchema(t);
    await (await openPostgresStore({ url: schema.url, schema: schema.schema })).close();
    await query(schema, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', now())", [LATEST_POSTGRES_SCHEMA_VERSION + 1]);
    await assert.rejects(openPostgresStore({ url: schema.url, schema: schema.schema }), /newer than this registry knows/);
  });

  test('a write that fails part-way leaves neither the entry nor a version change behind', async (t) => {
    const schema = await withSchema(t);
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema });
    t.after(() => store.close());
    const before = await store.servers.create('/currenttime', fields());
    const version = await store.servers.routesVersion();
    // Make the version bump, the last step of every write, fail after the row itself was written.
    await query(
      schema,
      `CREATE FUNCTION fail_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'crash'; END $$;
       CREATE TRIGGER fail_bump BEFORE UPDATE ON routes_version FOR EACH ROW EXECUTE FUNCTION fail_bump();`,
    );
    await assert.rejects(store.servers.update('/currenttime', { enabled: false, description: 'half-written' }), /crash/);
    await assert.rejects(store.servers.create('/notes', fields()), /crash/);
    await assert.rejects(store.servers.delete('/currenttime'), /crash/);
    await query(schema, 'DROP TRIGGER fail_bump ON routes_version');
    assert.equal(await store.servers.routesVersion(), version);
    assert.deepEqual(await store.servers.list(), [before]);
  });

  test('paths sort in byte order, as on SQLite', async (t) => {
    const schema = await withSchema(t);
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema });
    t.after(() => store.close());
    for (const path of ['/a-b', '/ab', '/a/c', '/A', '/a_b', '/a.b']) await store.servers.create(path, fields());
    assert.deepEqual((await store.servers.list()).map((s) => s.path), ['/A', '/a-b', '/a.b', '/a/c', '/a_b', '/ab']);
  });

  test('an unreachable database fails start-up with the connection error', async () => {
    await assert.rejects(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' }), (error: Error) => /ECONNREFUSED|connect/.test(error.message));
  });
});
