import type { Database } from 'better-sqlite3';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a released migration is never edited, a change is a new version. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'servers and routes version',
    sql: `
      CREATE TABLE servers (
        path TEXT PRIMARY KEY,
        server_name TEXT NOT NULL,
        description TEXT NOT NULL,
        proxy_pass_url TEXT NOT NULL,
        tags TEXT NOT NULL,
        supported_transports TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        license TEXT,
        tool_list TEXT,
        registered_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE routes_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        epoch TEXT NOT NULL,
        counter INTEGER NOT NULL
      ) STRICT;
      INSERT INTO routes_version (id, epoch, counter) VALUES (1, lower(hex(randomblob(4))), 0);
    `,
  },
  {
    version: 2,
    name: 'server model: endpoints, visibility, timeout, provenance, metadata, revision',
    sql: `
      ALTER TABLE servers ADD COLUMN metadata TEXT;
      ALTER TABLE servers ADD COLUMN mcp_endpoint TEXT;
      ALTER TABLE servers ADD COLUMN sse_endpoint TEXT;
      ALTER TABLE servers ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
        CHECK (visibility IN ('public', 'group-restricted', 'private'));
      ALTER TABLE servers ADD COLUMN allowed_groups TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE servers ADD COLUMN timeout_seconds INTEGER CHECK (timeout_seconds BETWEEN 1 AND 3600);
      ALTER TABLE servers ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'federated'));
      ALTER TABLE servers ADD COLUMN federated_from TEXT;
      ALTER TABLE servers ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
    `,
  },
  {
    version: 3,
    name: 'scopes.yml history',
    sql: `
      CREATE TABLE scopes_revisions (
        revision INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        action TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'virtual MCP servers',
    sql: `
      CREATE TABLE virtual_servers (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'login sessions and sealed upstream credentials',
    sql: `
      CREATE TABLE login_sessions (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL,
        identity TEXT NOT NULL,
        provider TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX login_sessions_user ON login_sessions (user_name);
      ALTER TABLE servers ADD COLUMN upstream_auth TEXT;
    `,
  },
  {
    version: 6,
    name: 'usage analytics and the audit log',
    sql: `
      CREATE TABLE usage_records (
        id INTEGER PRIMARY KEY,
        occurred_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        server_path TEXT,
        tool TEXT,
        client_id TEXT,
        success INTEGER NOT NULL CHECK (success IN (0, 1)),
        reason TEXT,
        duration_ms REAL
      ) STRICT;
      CREATE INDEX usage_records_occurred_at ON usage_records (occurred_at);
      CREATE TABLE usage_rollups (
        period TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        kind TEXT NOT NULL,
        server_path TEXT NOT NULL,
        tool TEXT NOT NULL,
        client_id TEXT NOT NULL,
        count INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        duration_sum_ms REAL NOT NULL,
        duration_max_ms REAL,
        PRIMARY KEY (period, bucket_start, kind, server_path, tool, client_id)
      ) STRICT;
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT,
        after TEXT
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
  {
    version: 7,
    name: 'health, discovered capabilities, tool changes, security scans',
    sql: `
      CREATE TABLE server_health (
        path TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('healthy', 'unhealthy', 'auth-expired', 'unknown')),
        reason TEXT,
        checked_at TEXT,
        latency_ms INTEGER,
        consecutive_failures INTEGER NOT NULL,
        consecutive_successes INTEGER NOT NULL,
        routed INTEGER NOT NULL CHECK (routed IN (0, 1)),
        route_regardless INTEGER NOT NULL CHECK (route_regardless IN (0, 1))
      ) STRICT;
      CREATE TABLE server_capabilities (
        path TEXT PRIMARY KEY,
        tools TEXT NOT NULL,
        prompts TEXT NOT NULL,
        resources TEXT NOT NULL,
        tool_hashes TEXT NOT NULL,
        discovered_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE tool_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        tool_name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'changed')),
        old_hash TEXT,
        new_hash TEXT,
        detected_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tool_changes_by_path ON tool_changes (path, id);
      CREATE TABLE security_scans (
        path TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('passed', 'failed')),
        findings TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        blocked INTEGER NOT NULL CHECK (blocked IN (0, 1)),
        overridden_by TEXT,
        overridden_at TEXT
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: 'agents with tombstones and a change sequence; ratings',
    sql: `
      CREATE TABLE agents (
        path TEXT PRIMARY KEY,
        card TEXT,
        card_version TEXT CHECK (card_version IN ('0.3', '1.0')),
        tags TEXT NOT NULL,
        visibility TEXT NOT NULL CHECK (visibility IN ('public', 'group-restricted', 'private')),
        allowed_groups TEXT NOT NULL,
        trust_level TEXT NOT NULL CHECK (trust_level IN ('unverified', 'community', 'verified', 'trusted')),
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        published_by TEXT NOT NULL,
        revision INTEGER NOT NULL,
        sequence INTEGER NOT NULL UNIQUE,
        registered_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        last_heartbeat_at TEXT,
        latency_ms REAL
      ) STRICT;
      CREATE TABLE agents_sequence (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        value INTEGER NOT NULL
      ) STRICT;
      INSERT INTO agents_sequence (id, value) VALUES (1, 0);
      CREATE TABLE ratings (
        kind TEXT NOT NULL CHECK (kind IN ('server', 'agent')),
        path TEXT NOT NULL,
        user_id TEXT NOT NULL,
        stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
        rated_at TEXT NOT NULL,
        PRIMARY KEY (kind, path, user_id)
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'server upstream replicas and rate limits',
    sql: `
      ALTER TABLE servers ADD COLUMN proxy_pass_urls TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE servers ADD COLUMN rate_limit TEXT;
    `,
  },
  {
    version: 10,
    name: 'federation: change sequence, tombstones, peers, imported items',
    sql: `
      ALTER TABLE servers ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE federation_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL) STRICT;
      INSERT INTO federation_sequence (id, value) VALUES (1, (SELECT count(*) FROM servers));
      UPDATE servers SET change_seq = (SELECT count(*) FROM servers AS earlier WHERE earlier.path <= servers.path);
      CREATE TABLE server_tombstones (
        path TEXT PRIMARY KEY,
        change_seq INTEGER NOT NULL,
        deleted_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE federation_peers (
        peer_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        sync_interval_minutes INTEGER NOT NULL CHECK (sync_interval_minutes >= 0),
        filters TEXT NOT NULL,
        jwks_url TEXT,
        token_ciphertext TEXT,
        tls TEXT,
        route_via_gateway TEXT,
        origin TEXT NOT NULL CHECK (origin IN ('api', 'config')),
        kind TEXT NOT NULL CHECK (kind IN ('registry', 'mcp-registry')),
        sync_state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE federated_items (
        path TEXT PRIMARY KEY,
        peer_id TEXT NOT NULL,
        remote_path TEXT NOT NULL,
        remote_revision INTEGER NOT NULL,
        synced_at TEXT NOT NULL,
        orphaned INTEGER NOT NULL CHECK (orphaned IN (0, 1))
      ) STRICT;
      CREATE INDEX federated_items_by_peer ON federated_items (peer_id);
      CREATE TRIGGER servers_sequence_insert AFTER INSERT ON servers BEGIN
        UPDATE federation_sequence SET value = value + 1 WHERE id = 1;
        UPDATE servers SET change_seq = (SELECT value FROM federation_sequence WHERE id = 1) WHERE path = NEW.path;
        DELETE FROM server_tombstones WHERE path = NEW.path;
      END;
      CREATE TRIGGER servers_sequence_update AFTER UPDATE ON servers WHEN NEW.change_seq = OLD.change_seq BEGIN
        UPDATE federation_sequence SET value = value + 1 WHERE id = 1;
        UPDATE servers SET change_seq = (SELECT value FROM federation_sequence WHERE id = 1) WHERE path = NEW.path;
      END;
      CREATE TRIGGER servers_sequence_delete AFTER DELETE ON servers BEGIN
        UPDATE federation_sequence SET value = value + 1 WHERE id = 1;
        INSERT INTO server_tombstones (path, change_seq, deleted_at)
          VALUES (OLD.path, (SELECT value FROM federation_sequence WHERE id = 1), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
          ON CONFLICT (path) DO UPDATE SET change_seq = excluded.change_seq, deleted_at = excluded.deleted_at;
        DELETE FROM federated_items WHERE path = OLD.path;
      END;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema up to date. Each migration and its bookkeeping row commit together, under a
 * write lock, so that replicas starting at once apply each migration exactly once.
 */
export function migrate(db: Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new Error(
        `the registry database is at schema version ${current}, newer than this registry knows (${LATEST_SCHEMA_VERSION}); run a newer registry`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  }).immediate();
}
