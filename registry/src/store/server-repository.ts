/**
 * Registry storage of MCP servers. Every backend (SQLite, PostgreSQL) implements this interface and
 * passes the same contract suite (tests/registry/server-repository-contract.ts).
 */

export const VISIBILITIES = ['public', 'group-restricted', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const SOURCES = ['local', 'federated'] as const;
export type ServerSource = (typeof SOURCES)[number];

/** What a server entry holds besides its path, revision and timestamps. */
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
  /** Kept exactly as submitted. */
  metadata: Record<string, unknown> | null;
  /** Where the upstream serves Streamable HTTP, when not at `<proxy_pass_url>mcp`. */
  mcpEndpoint: string | null;
  /** Where the upstream serves legacy SSE, when not at `<proxy_pass_url>sse`. */
  sseEndpoint: string | null;
  visibility: Visibility;
  /** The groups that see a group-restricted server; empty otherwise. */
  allowedGroups: string[];
  /** The gateway's upstream time limit for this server; null for the gateway's default. */
  timeoutSeconds: number | null;
  source: ServerSource;
  /** The peer registry a federated entry came from; null for local entries. */
  federatedFrom: string | null;
  /** The upstream credential, sealed (registry/src/credentials); absent or null when there is none. */
  upstreamAuth?: string | null;
}

export interface StoredServer extends ServerFields {
  /** Canonical server path, e.g. `/currenttime`; the key. */
  path: string;
  /** 1 when created, one more on every update. */
  revision: number;
  /** ISO 8601. */
  registeredAt: string;
  /** ISO 8601; equals registeredAt until the first update. */
  updatedAt: string;
}

/**
 * A partial edit, or a function of the current entry that returns one (applied atomically: it runs
 * inside the write's transaction, and what it throws aborts the write).
 */
export type ServerChanges = Partial<ServerFields> | ((current: StoredServer) => Partial<ServerFields>);

export interface RepositoryOptions {
  /** Source of registered_at / updated_at; tests pass a fixed clock. */
  clock?: () => Date;
}

export interface ServerRepository {
  /** Every server, ordered by path (byte order). */
  list(): Promise<StoredServer[]>;
  get(path: string): Promise<StoredServer | undefined>;
  /** Stores a new server at revision 1; throws RegistryError REGISTRY_SERVER_EXISTS when the path is taken. */
  create(path: string, fields: ServerFields): Promise<StoredServer>;
  /** Applies changes to an existing server and increments its revision; undefined when there is none at that path. */
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
