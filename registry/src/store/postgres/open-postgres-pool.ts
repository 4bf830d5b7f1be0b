import pg from 'pg';
import { migratePostgres } from './postgres-migrations.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database[?options=-c%20search_path%3Dname] */
  url: string;
  /** The schema to keep the tables in (it must exist); default the connection's search_path. */
  schema?: string;
}

/** How long opening a connection may take before the registry reports the database unreachable. */
const CONNECT_TIMEOUT_MS = 5000;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A connection pool to the registry database, migrated. */
export async function openPostgresPool(options: PostgresOptions): Promise<pg.Pool> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`the PostgreSQL schema name ${JSON.stringify(options.schema)} must be letters, digits and _ (not starting with a digit)`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle connection that breaks (a database restart) is dropped by the pool; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}
