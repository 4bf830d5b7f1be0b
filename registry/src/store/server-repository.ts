/**
 * Registry storage of MCP servers. Every backend (SQLite now, PostgreSQL later) implements this
 * interface and passes the same contract suite (tests/registry/server-repository-contract.ts).
 */

/** What a server entry holds besides its path and timestamps. */
export interface ServerFields {
  serverName: string;
  description: string;
  /** Absolute http(s) URL the gateway forwards `/<path>/…` to. */
  proxyPassUrl: string;
  tags: string[];
  supportedTransports: string[];
  enabled: boolean;
  license: string | null;
  /** Kept exactly as submitted. */
  toolList: unknown[] | null;
}

export interface StoredServer extends ServerFields {
  /** Canonical server path, e.g. `/currenttime`; the key. */
  path: string;
  /** ISO 8601. */
  registeredAt: string;
  /** ISO 8601; equals registeredAt until the first update. */
  updatedAt: string;
}

/** A partial edit, or a function of the current entry that returns one (applied atomically). */
export type ServerChanges = Partial<ServerFields> | ((current: StoredServer) => Partial<ServerFields>);

export interface RepositoryOptions {
  /** Source of registered_at / updated_at; tests pass a fixed clock. */
  clock?: () => Date;
}

export interface ServerRepository {
  /** Every server, ordered by path. */
  list(): Promise<StoredServer[]>;
  get(path: string): Promise<StoredServer | undefined>;
  /** Stores a new server; throws RegistryError REGISTRY_SERVER_EXISTS when the path is taken. */
  create(path: string, fields: ServerFields): Promise<StoredServer>;
  /** Applies changes to an existing server; undefined when there is none at that path. */
  update(path: string, changes: ServerChanges): Promise<StoredServer | undefined>;
  /** Removes a server; false when there was none. */
  delete(path: string): Promise<boolean>;
  /**
   * Opaque version of the stored servers, changed in the same transaction as every write and
   * never by a read, so that every replica on one database agrees on it.
   */
  routesVersion(): Promise<string>;
  close(): Promise<void>;
}
