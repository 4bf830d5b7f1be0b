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
