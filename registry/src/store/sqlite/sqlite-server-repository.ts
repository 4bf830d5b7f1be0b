import type { Database, Statement } from 'better-sqlite3';
import { serverExists } from '../../errors/registry-error.js';
import type { RepositoryOptions, ServerChanges, ServerFields, ServerRepository, StoredServer } from '../server-repository.js';
import { openSqliteDatabase } from './open-sqlite-database.js';

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
  registered_at: string;
  updated_at: string;
}

const COLUMNS =
  'path, server_name, description, proxy_pass_url, tags, supported_transports, enabled, license, tool_list, registered_at, updated_at';

/** The ServerRepository on SQLite (DATA_DIR/registry.db). Each write and its version bump are one transaction. */
export async function openSqliteServerRepository(dataDirectory: string, options: RepositoryOptions = {}): Promise<ServerRepository> {
  return new SqliteServerRepository(openSqliteDatabase(dataDirectory), options.clock ?? (() => new Date()));
}

class SqliteServerRepository implements ServerRepository {
  readonly #db: Database;
  readonly #clock: () => Date;
  readonly #selectAll: Statement<[], ServerRow>;
  readonly #selectOne: Statement<[string], ServerRow>;
  readonly #insert: Statement<ServerRow>;
  readonly #update: Statement<ServerRow>;
  readonly #delete: Statement<[string]>;
  readonly #selectVersion: Statement<[], { epoch: string; counter: number }>;
  readonly #bumpVersion: Statement<[]>;

  constructor(db: Database, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
    this.#selectAll = db.prepare(`SELECT ${COLUMNS} FROM servers ORDER BY path`);
    this.#selectOne = db.prepare(`SELECT ${COLUMNS} FROM servers WHERE path = ?`);
    this.#insert = db.prepare(
      `INSERT INTO servers (${COLUMNS}) VALUES (@path, @server_name, @description, @proxy_pass_url, @tags, @supported_transports, @enabled, @license, @tool_list, @registered_at, @updated_at)`,
    );
    this.#update = db.prepare(
      `UPDATE servers SET server_name = @server_name, description = @description, proxy_pass_url = @proxy_pass_url, tags = @tags,
         supported_transports = @supported_transports, enabled = @enabled, license = @license, tool_list = @tool_list,
         registered_at = @registered_at, updated_at = @updated_at
       WHERE path = @path`,
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
    const stored: StoredServer = { ...fields, path, registeredAt: now, updatedAt: now };
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
      const current = fromRow(row);
      const edit = typeof changes === 'function' ? changes(current) : changes;
      const next: StoredServer = { ...current, ...definedOnly(edit), path, registeredAt: current.registeredAt, updatedAt: this.#clock().toISOString() };
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
    if (this.#db.open) this.#db.close();
  }

  /** Runs a write under the write lock (BEGIN IMMEDIATE): a failure or crash part-way leaves nothing behind. */
  #write<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }
}

function definedOnly(edit: Partial<ServerFields>): Partial<ServerFields> {
  return Object.fromEntries(Object.entries(edit).filter(([, value]) => value !== undefined)) as Partial<ServerFields>;
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
    tool_list: server.toolList === null ? null : JSON.stringify(server.toolList),
    registered_at: server.registeredAt,
    updated_at: server.updatedAt,
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
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
  };
}
