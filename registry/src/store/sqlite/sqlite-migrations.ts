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
