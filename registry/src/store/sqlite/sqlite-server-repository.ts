import type { Database, Statement } from 'better-sqlite3';
import { serverExists } from '../../errors/registry-error.js';
import { applyChanges } from '../apply-changes.js';
import type { RepositoryOptions, ServerChanges, ServerFields, ServerRepository, ServerSource, StoredServer, Visibility } from '../server-repository.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SERVER_COLUMN_NAMES } from '../server-columns.js';

interface ServerRow {
  path: string;
  server_name: string;
  description: string;
  proxy_pass_url: string;
  tags: string;
  supported_transports: string;
  enabled: number;
  license: string | null;
  tool_list: string | null;
  metadata: string | null;
  mcp_endpoint: string | null;
  sse_endpoint: string | null;
  visibility: string;
  allowed_groups: string;
  timeout_seconds: number | null;
  source: string;
  federated_from: string | null;
  revision: number;
  registered_at: string;
  updated_at: string;
  upstream_auth: string | null;
}

const COLUMN_NAMES = SERVER_COLUMN_NAMES satisfies ReadonlyArray<keyof ServerRow>;
const COLUMNS = COLUMN_NAMES.join(', ');

/** The ServerRepository on SQLite (DATA_DIR/registry.db), on its own connection. */
export async function openSqliteServerRepository(dataDirectory: string, options: RepositoryOptions = {}): Promise<ServerRepository> {
  const db = openSqliteDatabase(dataDirectory);
  return sqliteServerRepository(db, options, () => {
    if (db.open) db.close();
  });
}

/** The ServerRepository on an open, migrated SQLite database. Each write and its version bump are one transaction. */
export function sqliteServerRepository(db: Database, options: RepositoryOptions, close: () => void): ServerRepository {
  return new SqliteServerRepository(db, options.clock ?? (() => new Date()), close);
}

class SqliteServerRepository implements ServerRepository {
  readonly #db: Database;
  readonly #clock: () => Date;
  readonly #close: () => void;
  readonly #selectAll: Statement<[], ServerRow>;
  readonly #selectOne: Statement<[string], ServerRow>;
  readonly #insert: Statement<ServerRow>;
  readonly #update: Statement<ServerRow>;
  readonly #delete: Statement<[string]>;
  readonly #selectVersion: Statement<[], { epoch: string; counter: number }>;
  readonly #bumpVersion: Statement<[]>;

  constructor(db: Database, clock: () => Date, close: () => void) {
    this.#db = db;
    this.#clock = clock;
    this.#close = close;
    this.#selectAll = db.prepare(`SELECT ${COLUMNS} FROM servers ORDER BY path`);
    this.#selectOne = db.prepare(`SELECT ${COLUMNS} FROM servers WHERE path = ?`);
    this.#insert = db.prepare(`INSERT INTO servers (${COLUMNS}) VALUES (${COLUMN_NAMES.map((name) => `@${name}`).join(', ')})`);
    this.#update = db.prepare(
      `UPDATE servers SET ${COLUMN_NAMES.filter((name) => name !== 'path').map((name) => `${name} = @${name}`).join(', ')} WHERE path = @path`,
    );
    this.#delete = db.prepare('DELETE FROM servers WHERE path = ?');
    this.#selectVersion = db.prepare('SELECT epoch, counter FROM routes_version WHERE id = 1');
    this.#bumpVersion = db.prepare('UPDATE routes_version SET counter = counter + 1 WHERE id = 1');
  }

  async list(): Promise<StoredServer[]> {
    return this.#selectAll.all().map(fromRow);
  }

  async get(path: string): Promise<StoredServer | undefined> {
    const row = this.#selectOne.get(path);
    return row === undefined ? undefined : fromRow(row);
  }

  async create(path: string, fields: ServerFields): Promise<StoredServer> {
    const now = this.#clock().toISOString();
    const stored: StoredServer = { ...fields, path, revision: 1, registeredAt: now, updatedAt: now };
    try {
      this.#write(() => {
        this.#insert.run(toRow(stored));
        this.#bumpVersion.run();
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw serverExists(path);
      throw error;
    }
    return stored;
  }

  async update(path: string, changes: ServerChanges): Promise<StoredServer | undefined> {
    return this.#write(() => {
      const row = this.#selectOne.get(path);
      if (row === undefined) return undefined;
      const next = applyChanges(fromRow(row), changes, this.#clock());
      this.#update.run(toRow(next));
      this.#bumpVersion.run();
      return next;
    });
  }

  async delete(path: string): Promise<boolean> {
    return this.#write(() => {
      const removed = this.#delete.run(path).changes > 0;
      if (removed) this.#bumpVersion.run();
      return removed;
    });
  }

  async routesVersion(): Promise<string> {
    const row = this.#selectVersion.get();
    if (row === undefined) throw new Error('the registry database has no routes version row; it was changed outside the registry');
    return `${row.epoch}.${row.counter}`;
  }

  async close(): Promise<void> {
    this.#close();
  }

  /** Runs a write under the write lock (BEGIN IMMEDIATE): a failure or crash part-way leaves nothing behind. */
  #write<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }
}

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

function toRow(server: StoredServer): ServerRow {
  return {
    path: server.path,
    server_name: server.serverName,
    description: server.description,
    proxy_pass_url: server.proxyPassUrl,
    tags: JSON.stringify(server.tags),
    supported_transports: JSON.stringify(server.supportedTransports),
    enabled: server.enabled ? 1 : 0,
    license: server.license,
    tool_list: json(server.toolList),
    metadata: json(server.metadata),
    mcp_endpoint: server.mcpEndpoint,
    sse_endpoint: server.sseEndpoint,
    visibility: server.visibility,
    allowed_groups: JSON.stringify(server.allowedGroups),
    timeout_seconds: server.timeoutSeconds,
    source: server.source,
    federated_from: server.federatedFrom,
    revision: server.revision,
    registered_at: server.registeredAt,
    updated_at: server.updatedAt,
    upstream_auth: server.upstreamAuth ?? null,
  };
}

function fromRow(row: ServerRow): StoredServer {
  return {
    path: row.path,
    serverName: row.server_name,
    description: row.description,
    proxyPassUrl: row.proxy_pass_url,
    tags: JSON.parse(row.tags) as string[],
    supportedTransports: JSON.parse(row.supported_transports) as string[],
    enabled: row.enabled === 1,
    license: row.license,
    toolList: row.tool_list === null ? null : (JSON.parse(row.tool_list) as unknown[]),
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    mcpEndpoint: row.mcp_endpoint,
    sseEndpoint: row.sse_endpoint,
    visibility: row.visibility as Visibility,
    allowedGroups: JSON.parse(row.allowed_groups) as string[],
    timeoutSeconds: row.timeout_seconds,
    source: row.source as ServerSource,
    federatedFrom: row.federated_from,
    revision: row.revision,
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
    ...(row.upstream_auth === null ? {} : { upstreamAuth: row.upstream_auth }),
  };
}
