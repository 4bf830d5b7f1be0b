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
    name: 'virtual MCP servers',
    sql: `
      CREATE TABLE virtual_servers (
        name text COLLATE "C" PRIMARY KEY,
        definition json NOT NULL,
        revision integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 4,
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
  {
    version: 5,
    name: 'usage analytics and the audit log',
    sql: `
      CREATE TABLE usage_records (
        id bigserial PRIMARY KEY,
        occurred_at bigint NOT NULL,
        kind text NOT NULL,
        server_path text,
        tool text,
        client_id text,
        success boolean NOT NULL,
        reason text,
        duration_ms double precision
      );
      CREATE INDEX usage_records_occurred_at ON usage_records (occurred_at);
      CREATE TABLE usage_rollups (
        period text NOT NULL,
        bucket_start bigint NOT NULL,
        kind text NOT NULL,
        server_path text NOT NULL,
        tool text NOT NULL,
        client_id text NOT NULL,
        count integer NOT NULL,
        failures integer NOT NULL,
        duration_sum_ms double precision NOT NULL,
        duration_max_ms double precision,
        PRIMARY KEY (period, bucket_start, kind, server_path, tool, client_id)
      );
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        before jsonb,
        after jsonb
      );
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
  {
    version: 6,
    name: 'health, discovered capabilities, tool changes, security scans',
    sql: `
      CREATE TABLE server_health (
        path text COLLATE "C" PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('healthy', 'unhealthy', 'auth-expired', 'unknown')),
        reason text,
        checked_at timestamptz,
        latency_ms integer,
        consecutive_failures integer NOT NULL,
        consecutive_successes integer NOT NULL,
        routed boolean NOT NULL,
        route_regardless boolean NOT NULL
      );
      CREATE TABLE server_capabilities (
        path text COLLATE "C" PRIMARY KEY,
        tools json NOT NULL,
        prompts json NOT NULL,
        resources json NOT NULL,
        tool_hashes json NOT NULL,
        discovered_at timestamptz NOT NULL
      );
      CREATE TABLE tool_changes (
        id bigserial PRIMARY KEY,
        path text COLLATE "C" NOT NULL,
        tool_name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('added', 'removed', 'changed')),
        old_hash text,
        new_hash text,
        detected_at timestamptz NOT NULL
      );
      CREATE INDEX tool_changes_by_path ON tool_changes (path, id);
      CREATE TABLE security_scans (
        path text COLLATE "C" PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('passed', 'failed')),
        findings json NOT NULL,
        scanned_at timestamptz NOT NULL,
        blocked boolean NOT NULL,
        overridden_by text,
        overridden_at timestamptz
      );
    `,
  },
  {
    version: 7,
    name: 'agents with tombstones and a change sequence; ratings',
    sql: `
      CREATE TABLE agents (
        path text COLLATE "C" PRIMARY KEY,
        card json,
        card_version text CHECK (card_version IN ('0.3', '1.0')),
        tags json NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('public', 'group-restricted', 'private')),
        allowed_groups json NOT NULL,
        trust_level text NOT NULL CHECK (trust_level IN ('unverified', 'community', 'verified', 'trusted')),
        enabled boolean NOT NULL,
        published_by text NOT NULL,
        revision integer NOT NULL,
        sequence bigint NOT NULL UNIQUE,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        deleted_at timestamptz,
        last_heartbeat_at timestamptz,
        latency_ms double precision
      );
      CREATE TABLE agents_sequence (
        id integer PRIMARY KEY CHECK (id = 1),
        value bigint NOT NULL
      );
      INSERT INTO agents_sequence (id, value) VALUES (1, 0);
      CREATE TABLE ratings (
        kind text NOT NULL CHECK (kind IN ('server', 'agent')),
        path text COLLATE "C" NOT NULL,
        user_id text NOT NULL,
        stars integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
        rated_at timestamptz NOT NULL,
        PRIMARY KEY (kind, path, user_id)
      );
    `,
  },
  {
    version: 8,
    name: 'server upstream replicas and rate limits',
    sql: `
      ALTER TABLE servers ADD COLUMN proxy_pass_urls json NOT NULL DEFAULT '[]';
      ALTER TABLE servers ADD COLUMN rate_limit json;
    `,
  },
  {
    version: 9,
    name: 'federation: change sequence, tombstones, peers, imported items',
    sql: `
      ALTER TABLE servers ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
      CREATE TABLE federation_sequence (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL);
      INSERT INTO federation_sequence (id, value) VALUES (1, (SELECT count(*) FROM servers));
      WITH numbered AS (SELECT path, row_number() OVER (ORDER BY path) AS position FROM servers)
        UPDATE servers SET change_seq = numbered.position FROM numbered WHERE servers.path = numbered.path;
      CREATE TABLE server_tombstones (
        path text COLLATE "C" PRIMARY KEY,
        change_seq bigint NOT NULL,
        deleted_at timestamptz NOT NULL
      );
      CREATE TABLE federation_peers (
        peer_id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        endpoint text NOT NULL,
        enabled boolean NOT NULL,
        sync_interval_minutes integer NOT NULL CHECK (sync_interval_minutes >= 0),
        filters json NOT NULL,
        jwks_url text,
        token_ciphertext text,
        tls json,
        route_via_gateway text,
        origin text NOT NULL CHECK (origin IN ('api', 'config')),
        kind text NOT NULL CHECK (kind IN ('registry', 'mcp-registry')),
        sync_state json NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE federated_items (
        path text COLLATE "C" PRIMARY KEY,
        peer_id text NOT NULL,
        remote_path text NOT NULL,
        remote_revision integer NOT NULL,
        synced_at timestamptz NOT NULL,
        orphaned boolean NOT NULL
      );
      CREATE INDEX federated_items_by_peer ON federated_items (peer_id);
      -- The sequence row is locked until commit, so writers take numbers in commit order and a
      -- reader paging by change_seq never skips a change that commits later.
      CREATE FUNCTION next_federation_seq() RETURNS bigint LANGUAGE sql AS
        'UPDATE federation_sequence SET value = value + 1 WHERE id = 1 RETURNING value';
      CREATE FUNCTION servers_sequence_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.change_seq := next_federation_seq();
        IF TG_OP = 'INSERT' THEN
          DELETE FROM server_tombstones WHERE path = NEW.path;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER servers_sequence_stamp BEFORE INSERT OR UPDATE ON servers
        FOR EACH ROW EXECUTE FUNCTION servers_sequence_stamp();
      CREATE FUNCTION servers_sequence_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO server_tombstones (path, change_seq, deleted_at) VALUES (OLD.path, next_federation_seq(), now())
          ON CONFLICT (path) DO UPDATE SET change_seq = excluded.change_seq, deleted_at = excluded.deleted_at;
        DELETE FROM federated_items WHERE path = OLD.path;
        RETURN OLD;
      END $$;
      CREATE TRIGGER servers_sequence_delete AFTER DELETE ON servers
        FOR EACH ROW EXECUTE FUNCTION servers_sequence_delete();
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
