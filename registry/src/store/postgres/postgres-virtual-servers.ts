import type { Pool } from 'pg';
import type { VirtualServerDefinition } from '@mcpgw/lib/virtual/virtual-server-schema.js';
import type { RepositoryOptions } from '../server-repository.js';
import { VirtualServerRevisionConflict, type StoredVirtualServer, type VirtualServerRepository } from '../virtual-server-repository.js';
import { inTransaction } from './in-transaction.js';

interface Row {
  name: string;
  definition: VirtualServerDefinition;
  revision: number;
  created_at: Date;
  updated_at: Date;
}

const BUMP_VERSION = 'UPDATE routes_version SET counter = counter + 1 WHERE id = 1';

/** Virtual servers on PostgreSQL; each write locks its row (or the name) and bumps the routes version in one transaction. */
export function postgresVirtualServers(pool: Pool, options: RepositoryOptions = {}): VirtualServerRepository {
  const clock = options.clock ?? (() => new Date());
  return {
    list: async () => (await pool.query<Row>('SELECT * FROM virtual_servers ORDER BY name')).rows.map(fromRow),
    get: async (name) => {
      const { rows } = await pool.query<Row>('SELECT * FROM virtual_servers WHERE name = $1', [name]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    put: (name, definition, expectedRevision) =>
      inTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpgw.virtual.' || current_schema() || '.' || $1))", [name]);
        const { rows } = await client.query<Row>('SELECT * FROM virtual_servers WHERE name = $1', [name]);
        const current = rows[0];
        if (expectedRevision !== undefined && (current?.revision ?? 0) !== expectedRevision) throw new VirtualServerRevisionConflict(current?.revision);
        const now = clock().toISOString();
        const { rows: written } = await client.query<Row>(
          `INSERT INTO virtual_servers (name, definition, revision, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
           ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, revision = excluded.revision, updated_at = excluded.updated_at
           RETURNING *`,
          [name, JSON.stringify(definition), (current?.revision ?? 0) + 1, now],
        );
        await client.query(BUMP_VERSION);
        return { stored: fromRow(written[0] as Row), created: current === undefined };
      }),
    delete: (name, expectedRevision) =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<Row>('SELECT * FROM virtual_servers WHERE name = $1 FOR UPDATE', [name]);
        const current = rows[0];
        if (current === undefined) return false;
        if (expectedRevision !== undefined && current.revision !== expectedRevision) throw new VirtualServerRevisionConflict(current.revision);
        await client.query('DELETE FROM virtual_servers WHERE name = $1', [name]);
        await client.query(BUMP_VERSION);
        return true;
      }),
  };
}

function fromRow(row: Row): StoredVirtualServer {
  return { name: row.name, definition: row.definition, revision: row.revision, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}
