import type { Pool, PoolClient } from 'pg';
import { serverExists } from '../../errors/registry-error.js';
import { applyChanges } from '../apply-changes.js';
import type { RepositoryOptions, ServerChanges, ServerFields, ServerRepository, ServerSource, StoredServer, Visibility } from '../server-repository.js';
import { inTransaction } from './in-transaction.js';
import { SERVER_COLUMN_NAMES } from '../server-columns.js';

interface ServerRow {
  path: string;
  server_name: string;
  description: string;
  proxy_pass_url: string;
  tags: string[];
  supported_transports: string[];
  enabled: boolean;
  license: string | null;
  tool_list: unknown[] | null;
  metadata: Record<string, unknown> | null;
  mcp_endpoint: string | null;
  sse_endpoint: string | null;
  visibility: string;
  allowed_groups: string[];
  timeout_seconds: number | null;
  source: string;
  federated_from: string | null;
  revision: number;
  registered_at: Date;
  updated_at: Date;
  upstream_auth: string | null;
}

const COLUMN_NAMES = SERVER_COLUMN_NAMES satisfies ReadonlyArray<keyof ServerRow>;
const COLUMNS = COLUMN_NAMES.join(', ');
const INSERT = `INSERT INTO servers (${COLUMNS}) VALUES (${COLUMN_NAMES.map((_, index) => `$${index + 1}`).join(', ')})`;
const UPDATE = `UPDATE servers SET ${COLUMN_NAMES.map((name, index) => `${name} = $${index + 1}`)
  .slice(1)
  .join(', ')} WHERE path = $1`;
const BUMP_VERSION = 'UPDATE routes_version SET counter = counter + 1 WHERE id = 1';
const UNIQUE_VIOLATION = '23505';

/**
 * The ServerRepository on PostgreSQL. Each write and its version bump are one transaction; an
 * update locks its row (SELECT … FOR UPDATE), so replicas editing one server queue rather than
 * overwrite each other. Nothing is cached: every replica reads what the database holds.
 */
export function postgresServerRepository(pool: Pool, options: RepositoryOptions = {}): ServerRepository {
  const clock = options.clock ?? (() => new Date());
  return {
    list: async () => (await pool.query<ServerRow>(`SELECT ${COLUMNS} FROM servers ORDER BY path`)).rows.map(fromRow),
    get: async (path) => {
      const { rows } = await pool.query<ServerRow>(`SELECT ${COLUMNS} FROM servers WHERE path = $1`, [path]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    create: async (path: string, fields: ServerFields) => {
      const now = clock().toISOString();
      const stored: StoredServer = { ...fields, path, revision: 1, registeredAt: now, updatedAt: now };
      try {
        await inTransaction(pool, async (client) => {
          await client.query(INSERT, toParameters(stored));
          await client.query(BUMP_VERSION);
        });
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw serverExists(path);
        throw error;
      }
      return stored;
    },
    update: (path: string, changes: ServerChanges) =>
      inTransaction(pool, async (client) => {
        const current = await lockedRow(client, path);
        if (current === undefined) return undefined;
        const next = applyChanges(current, changes, clock());
        await client.query(UPDATE, toParameters(next));
        await client.query(BUMP_VERSION);
        return next;
      }),
    delete: (path: string) =>
      inTransaction(pool, async (client) => {
        const removed = ((await client.query('DELETE FROM servers WHERE path = $1', [path])).rowCount ?? 0) > 0;
        if (removed) await client.query(BUMP_VERSION);
        return removed;
      }),
    routesVersion: async () => {
      const { rows } = await pool.query<{ epoch: string; counter: string }>('SELECT epoch, counter FROM routes_version WHERE id = 1');
      const row = rows[0];
      if (row === undefined) throw new Error('the registry database has no routes version row; it was changed outside the registry');
      return `${row.epoch}.${row.counter}`;
    },
    close: async () => undefined,
  };
}

async function lockedRow(client: PoolClient, path: string): Promise<StoredServer | undefined> {
  const { rows } = await client.query<ServerRow>(`SELECT ${COLUMNS} FROM servers WHERE path = $1 FOR UPDATE`, [path]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** The values of COLUMN_NAMES, in order. */
function toParameters(server: StoredServer): unknown[] {
  return [
    server.path,
    server.serverName,
    server.description,
    server.proxyPassUrl,
    JSON.stringify(server.tags),
    JSON.stringify(server.supportedTransports),
    server.enabled,
    server.license,
    json(server.toolList),
    json(server.metadata),
    server.mcpEndpoint,
    server.sseEndpoint,
    server.visibility,
    JSON.stringify(server.allowedGroups),
    server.timeoutSeconds,
    server.source,
    server.federatedFrom,
    server.revision,
    server.registeredAt,
    server.updatedAt,
    server.upstreamAuth ?? null,
  ];
}

function fromRow(row: ServerRow): StoredServer {
  return {
    path: row.path,
    serverName: row.server_name,
    description: row.description,
    proxyPassUrl: row.proxy_pass_url,
    tags: row.tags,
    supportedTransports: row.supported_transports,
    enabled: row.enabled,
    license: row.license,
    toolList: row.tool_list,
    metadata: row.metadata,
    mcpEndpoint: row.mcp_endpoint,
    sseEndpoint: row.sse_endpoint,
    visibility: row.visibility as Visibility,
    allowedGroups: row.allowed_groups,
    timeoutSeconds: row.timeout_seconds,
    source: row.source as ServerSource,
    federatedFrom: row.federated_from,
    revision: row.revision,
    registeredAt: row.registered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.upstream_auth === null ? {} : { upstreamAuth: row.upstream_auth }),
  };
}
