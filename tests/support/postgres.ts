import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use: 127.0.0.1:5432, database `test`, user postgres, trust auth. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROBE_TIMEOUT_MS = 2000;

let reachable: Promise<boolean> | undefined;

/**
 * Why PostgreSQL tests must be skipped, or false to run them. With CI=true they always run (and fail
 * if the database is unreachable); otherwise they are skipped only when it cannot be reached.
 */
export async function postgresSkipReason(): Promise<string | false> {
  if (process.env.CI === 'true') return false;
  reachable ??= probe();
  return (await reachable) ? false : `PostgreSQL at ${new URL(TEST_DATABASE_URL).host} is unreachable (set CI=true to make this a failure)`;
}

async function probe(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestSchema {
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A fresh schema with a random name, so that parallel runs never meet. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `mcpgw_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  return { url: TEST_DATABASE_URL, schema, drop: () => adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
