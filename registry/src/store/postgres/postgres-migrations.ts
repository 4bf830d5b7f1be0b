import type { Pool } from 'pg';
import { inTransaction } from './in-transaction.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Append only: a released migration is never edited, a change is a new version. Paths sort in byte
 * order (COLLATE "C"), as on SQLite; JSON columns are `json`, which keeps documents exactly as written.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'servers and routes version',
    sql: `
      CREATE TABLE servers (
        path text COLLATE "C" PRIMARY KEY,
        server_name text NOT NULL,
        description text NOT NULL,
        proxy_pass_url text NOT NULL,
        tags json NOT NULL,
        supported_transports json NOT NULL,
        enabled boolean NOT NULL,
        license text,
        tool_list json,
        metadata json,
        mcp_endpoint text,
        sse_endpoint text,
        visibility text NOT NULL CHECK (visibility IN ('public', 'group-restricted', 'private')),
        allowed_groups json NOT NULL,
        timeout_seconds integer CHECK (timeout_seconds BETWEEN 1 AND 3600),
        source text NOT NULL CHECK (source IN ('local', 'federated')),
        federated_from text,
        revision integer NOT NULL,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE routes_version (
        id integer PRIMARY KEY CHECK (id = 1),
        epoch text NOT NULL,
        counter bigint NOT NULL
      );
      INSERT INTO routes_version (id, epoch, counter) VALUES (1, substr(md5(random()::text || clock_timestamp()::text), 1, 8), 0);
    `,
  },
  {
    version: 2,
    name: 'scopes.yml history',
    sql: `
      CREATE TABLE scopes_revisions (
        revision integer PRIMARY KEY,
        text text NOT NULL,
        author text NOT NULL,
        action text NOT NULL,
        created_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'login sessions and sealed upstream credentials',
    sql: `
      CREATE TABLE login_sessions (
        id text PRIMARY KEY,
        user_name text NOT NULL,
        identity json NOT NULL,
        provider text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX login_sessions_user ON login_sessions (user_name);
      ALTER TABLE servers ADD COLUMN upstream_auth text;
    `,
  },
];

export const LATEST_POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema (the first of the search_path) up to date. Migrations run in one transaction
 * under an advisory lock per schema, so that replicas starting at once apply each exactly once.
 */
export async function migratePostgres(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpgw.migrate.' || current_schema()))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL
    )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > LATEST_POSTGRES_SCHEMA_VERSION) {
      throw new Error(
        `the registry database is at schema version ${current}, newer than this registry knows (${LATEST_POSTGRES_SCHEMA_VERSION}); run a newer registry`,
      );
    }
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [migration.version, migration.name]);
    }
  });
}
