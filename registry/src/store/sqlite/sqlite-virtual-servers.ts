import type { Database } from 'better-sqlite3';
import type { VirtualServerDefinition } from '@mcpgw/lib/virtual/virtual-server-schema.js';
import type { RepositoryOptions } from '../server-repository.js';
import { VirtualServerRevisionConflict, type StoredVirtualServer, type VirtualServerRepository } from '../virtual-server-repository.js';

interface Row {
  name: string;
  definition: string;
  revision: number;
  created_at: string;
  updated_at: string;
}

/** Virtual servers on SQLite; each write and its routes-version bump are one immediate transaction. */
export function sqliteVirtualServers(db: Database, options: RepositoryOptions = {}): VirtualServerRepository {
  const clock = options.clock ?? (() => new Date());
  const selectAll = db.prepare<[], Row>('SELECT * FROM virtual_servers ORDER BY name');
  const selectOne = db.prepare<[string], Row>('SELECT * FROM virtual_servers WHERE name = ?');
  const upsert = db.prepare<Row>(
    `INSERT INTO virtual_servers (name, definition, revision, created_at, updated_at) VALUES (@name, @definition, @revision, @created_at, @updated_at)
     ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, revision = excluded.revision, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string]>('DELETE FROM virtual_servers WHERE name = ?');
  const bump = db.prepare('UPDATE routes_version SET counter = counter + 1 WHERE id = 1');

  const put = db.transaction((name: string, definition: VirtualServerDefinition, expectedRevision: number | undefined) => {
    const current = selectOne.get(name);
    if (expectedRevision !== undefined && (current?.revision ?? 0) !== expectedRevision) throw new VirtualServerRevisionConflict(current?.revision);
    const now = clock().toISOString();
    const row: Row = {
      name,
      definition: JSON.stringify(definition),
      revision: (current?.revision ?? 0) + 1,
      created_at: current?.created_at ?? now,
      updated_at: now,
    };
    upsert.run(row);
    bump.run();
    return { stored: fromRow(row), created: current === undefined };
  });
  const del = db.transaction((name: string, expectedRevision: number | undefined) => {
    const current = selectOne.get(name);
    if (current === undefined) return false;
    if (expectedRevision !== undefined && current.revision !== expectedRevision) throw new VirtualServerRevisionConflict(current.revision);
    remove.run(name);
    bump.run();
    return true;
  });

  return {
    list: async () => selectAll.all().map(fromRow),
    get: async (name) => {
      const row = selectOne.get(name);
      return row === undefined ? undefined : fromRow(row);
    },
    put: async (name, definition, expectedRevision) => put.immediate(name, definition, expectedRevision),
    delete: async (name, expectedRevision) => del.immediate(name, expectedRevision),
  };
}

function fromRow(row: Row): StoredVirtualServer {
  return { name: row.name, definition: JSON.parse(row.definition) as VirtualServerDefinition, revision: row.revision, createdAt: row.created_at, updatedAt: row.updated_at };
}
