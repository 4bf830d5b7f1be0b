import type { Database, Statement } from 'better-sqlite3';
import { peerExists, peerNotFound } from '../../errors/peer-errors.js';
import {
  INITIAL_SYNC_STATE,
  type AppliedSync,
  type ExportChange,
  type ImportedItem,
  type PeerFilters,
  type PeerKind,
  type PeerTls,
  type PeerRepository,
  type PeerSettings,
  type PeerSyncState,
  type StoredPeer,
  type SyncResult,
} from '../peer-repository.js';
import type { RepositoryOptions, StoredServer } from '../server-repository.js';
import { hasSameFields } from '../same-server-fields.js';
import { SERVER_COLUMN_NAMES } from '../server-columns.js';
import { COLUMNS, fromRow as serverFromRow, toRow as serverToRow, type ServerRow } from './sqlite-server-repository.js';

interface PeerRow {
  peer_id: string;
  name: string;
  endpoint: string;
  enabled: number;
  sync_interval_minutes: number;
  filters: string;
  jwks_url: string | null;
  token_ciphertext: string | null;
  tls: string | null;
  route_via_gateway: string | null;
  origin: string;
  kind: string;
  sync_state: string;
  created_at: string;
  updated_at: string;
}

interface ItemRow {
  path: string;
  peer_id: string;
  remote_path: string;
  remote_revision: number;
  synced_at: string;
  orphaned: number;
}

const PEER_COLUMNS = 'peer_id, name, endpoint, enabled, sync_interval_minutes, filters, jwks_url, token_ciphertext, tls, route_via_gateway, origin, kind, sync_state, created_at, updated_at';
const INSERT_SERVER = `INSERT INTO servers (${COLUMNS}) VALUES (${SERVER_COLUMN_NAMES.map((name) => `@${name}`).join(', ')})`;
const UPDATE_SERVER = `UPDATE servers SET ${SERVER_COLUMN_NAMES.filter((name) => name !== 'path').map((name) => `${name} = @${name}`).join(', ')} WHERE path = @path`;

/** The PeerRepository on an open, migrated SQLite database; every write is one transaction. */
export function sqlitePeerRepository(db: Database, options: RepositoryOptions = {}): PeerRepository {
  const clock = options.clock ?? (() => new Date());
  const statements = {
    list: db.prepare(`SELECT ${PEER_COLUMNS} FROM federation_peers ORDER BY peer_id`) as Statement<[], PeerRow>,
    get: db.prepare(`SELECT ${PEER_COLUMNS} FROM federation_peers WHERE peer_id = ?`) as Statement<[string], PeerRow>,
    insert: db.prepare(`INSERT INTO federation_peers (${PEER_COLUMNS}) VALUES (${PEER_COLUMNS.split(', ').map((c) => `@${c}`).join(', ')})`) as Statement<PeerRow>,
    update: db.prepare(
      `UPDATE federation_peers SET ${PEER_COLUMNS.split(', ').slice(1).map((c) => `${c} = @${c}`).join(', ')} WHERE peer_id = @peer_id`,
    ) as Statement<PeerRow>,
    delete: db.prepare('DELETE FROM federation_peers WHERE peer_id = ?') as Statement<[string]>,
    items: db.prepare('SELECT * FROM federated_items WHERE peer_id = ? ORDER BY path') as Statement<[string], ItemRow>,
    item: db.prepare('SELECT * FROM federated_items WHERE path = ?') as Statement<[string], ItemRow>,
    upsertItem: db.prepare(
      `INSERT INTO federated_items (path, peer_id, remote_path, remote_revision, synced_at, orphaned)
       VALUES (@path, @peer_id, @remote_path, @remote_revision, @synced_at, @orphaned)
       ON CONFLICT (path) DO UPDATE SET peer_id = excluded.peer_id, remote_path = excluded.remote_path,
         remote_revision = excluded.remote_revision, synced_at = excluded.synced_at, orphaned = excluded.orphaned`,
    ) as Statement<ItemRow>,
    touchItem: db.prepare('UPDATE federated_items SET synced_at = ? WHERE path = ?') as Statement<[string, string]>,
    orphanItem: db.prepare('UPDATE federated_items SET orphaned = 1 WHERE path = ?') as Statement<[string]>,
    server: db.prepare(`SELECT ${COLUMNS} FROM servers WHERE path = ?`) as Statement<[string], ServerRow>,
    insertServer: db.prepare(INSERT_SERVER) as Statement<ServerRow>,
    updateServer: db.prepare(UPDATE_SERVER) as Statement<ServerRow>,
    bumpRoutes: db.prepare('UPDATE routes_version SET counter = counter + 1 WHERE id = 1') as Statement<[]>,
    changedServers: db.prepare(`SELECT ${COLUMNS}, change_seq FROM servers WHERE change_seq > ? ORDER BY change_seq LIMIT ?`) as Statement<
      [number, number],
      ServerRow & { change_seq: number }
    >,
    tombstones: db.prepare('SELECT path, change_seq FROM server_tombstones WHERE change_seq > ? ORDER BY change_seq LIMIT ?') as Statement<
      [number, number],
      { path: string; change_seq: number }
    >,
    countActive: db.prepare('SELECT count(*) AS n FROM federated_items WHERE peer_id = ? AND orphaned = 0') as Statement<[string], { n: number }>,
    latest: db.prepare('SELECT value FROM federation_sequence WHERE id = 1') as Statement<[], { value: number }>,
  };

  /** Disables a copy and marks it orphaned; false when it is not an active copy. */
  const orphan = (path: string, at: string): boolean => {
    const item = statements.item.get(path);
    const row = statements.server.get(path);
    if (item === undefined || item.orphaned === 1 || row === undefined) return false;
    statements.orphanItem.run(path);
    const current = serverFromRow(row);
    statements.updateServer.run(serverToRow({ ...current, enabled: false, revision: current.revision + 1, updatedAt: at }));
    return true;
  };

  const write = <T>(work: () => T): T => db.transaction(work).immediate();

  return {
    list: async () => statements.list.all().map(peerFromRow),
    get: async (peerId) => {
      const row = statements.get.get(peerId);
      return row === undefined ? undefined : peerFromRow(row);
    },
    create: async (peerId, settings, origin) => {
      const now = clock().toISOString();
      const peer: StoredPeer = { ...settings, peerId, origin, state: { ...INITIAL_SYNC_STATE }, createdAt: now, updatedAt: now };
      try {
        write(() => statements.insert.run(peerToRow(peer)));
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw peerExists(peerId);
        throw error;
      }
      return peer;
    },
    update: async (peerId, changes, updateOptions = {}) =>
      write(() => {
        const row = statements.get.get(peerId);
        if (row === undefined) return undefined;
        const current = peerFromRow(row);
        const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<PeerSettings>;
        const state = updateOptions.resetCursor ? { ...current.state, cursor: 0 } : current.state;
        const next: StoredPeer = { ...current, ...defined, state, updatedAt: clock().toISOString() };
        statements.update.run(peerToRow(next));
        return next;
      }),
    delete: async (peerId) =>
      write(() => {
        const removed = statements.delete.run(peerId).changes > 0;
        if (!removed) return false;
        const at = clock().toISOString();
        const orphaned = statements.items.all(peerId).filter((item) => orphan(item.path, at));
        if (orphaned.length > 0) statements.bumpRoutes.run();
        return true;
      }),
    recordFailure: async (peerId, error, at) => {
      write(() => {
        const row = statements.get.get(peerId);
        if (row === undefined) return;
        const current = peerFromRow(row);
        const state: PeerSyncState = { ...current.state, lastAttempt: at, lastError: error, consecutiveFailures: current.state.consecutiveFailures + 1 };
        statements.update.run(peerToRow({ ...current, state }));
      });
    },
    importedItems: async (peerId) => statements.items.all(peerId).map(itemFromRow),
    applySync: async (peerId, result: SyncResult) =>
      write((): AppliedSync => {
        const peerRow = statements.get.get(peerId);
        if (peerRow === undefined) throw peerNotFound(peerId);
        const conflicts: string[] = [];
        const changed: string[] = [];
        for (const upsert of result.upserts) {
          const existing = statements.server.get(upsert.path);
          const item = statements.item.get(upsert.path);
          const itemRow: ItemRow = {
            path: upsert.path,
            peer_id: peerId,
            remote_path: upsert.remotePath,
            remote_revision: upsert.remoteRevision,
            synced_at: result.syncedAt,
            orphaned: 0,
          };
          if (existing === undefined) {
            const server: StoredServer = { ...upsert.fields, path: upsert.path, revision: 1, registeredAt: result.syncedAt, updatedAt: result.syncedAt };
            statements.insertServer.run(serverToRow(server));
            statements.upsertItem.run(itemRow);
            changed.push(upsert.path);
          } else if (item === undefined || item.peer_id !== peerId) {
            conflicts.push(upsert.path);
          } else if (item.remote_revision === upsert.remoteRevision && item.orphaned === 0 && hasSameFields(serverFromRow(existing), upsert.fields)) {
            statements.touchItem.run(result.syncedAt, upsert.path);
          } else {
            const current = serverFromRow(existing);
            statements.updateServer.run(
              serverToRow({ ...current, ...upsert.fields, revision: current.revision + 1, updatedAt: result.syncedAt }),
            );
            statements.upsertItem.run(itemRow);
            changed.push(upsert.path);
          }
        }
        for (const path of result.orphans) {
          if (statements.item.get(path)?.peer_id === peerId && orphan(path, result.syncedAt)) changed.push(path);
        }
        if (changed.length > 0) statements.bumpRoutes.run();
        const totalServersSynced = statements.countActive.get(peerId)?.n ?? 0;
        statements.update.run(peerToRow({ ...peerFromRow(peerRow), state: { ...result.state, totalServersSynced } }));
        return { conflicts, changed };
      }),
    exportChanges: async (since, limit) => {
      const read = db.transaction((): ExportChange[] => {
        const servers: ExportChange[] = statements.changedServers
          .all(since, limit)
          .map((row) => ({ kind: 'server', seq: row.change_seq, server: serverFromRow(row) }));
        const removed: ExportChange[] =
          since > 0 ? statements.tombstones.all(since, limit).map((row) => ({ kind: 'removed', seq: row.change_seq, path: row.path })) : [];
        return [...servers, ...removed].sort((a, b) => a.seq - b.seq).slice(0, limit);
      });
      return read.deferred();
    },
    latestSequence: async () => statements.latest.get()?.value ?? 0,
  };
}

function peerToRow(peer: StoredPeer): PeerRow {
  return {
    peer_id: peer.peerId,
    name: peer.name,
    endpoint: peer.endpoint,
    enabled: peer.enabled ? 1 : 0,
    sync_interval_minutes: peer.syncIntervalMinutes,
    filters: JSON.stringify(peer.filters),
    jwks_url: peer.jwksUrl,
    token_ciphertext: peer.tokenCiphertext,
    tls: peer.tls === null ? null : JSON.stringify(peer.tls),
    route_via_gateway: peer.routeViaGateway,
    origin: peer.origin,
    kind: peer.kind,
    sync_state: JSON.stringify(peer.state),
    created_at: peer.createdAt,
    updated_at: peer.updatedAt,
  };
}

function peerFromRow(row: PeerRow): StoredPeer {
  return {
    peerId: row.peer_id,
    name: row.name,
    endpoint: row.endpoint,
    enabled: row.enabled === 1,
    syncIntervalMinutes: row.sync_interval_minutes,
    filters: JSON.parse(row.filters) as PeerFilters,
    jwksUrl: row.jwks_url,
    tokenCiphertext: row.token_ciphertext,
    tls: row.tls === null ? null : (JSON.parse(row.tls) as PeerTls),
    routeViaGateway: row.route_via_gateway,
    origin: row.origin as StoredPeer['origin'],
    kind: row.kind as PeerKind,
    state: JSON.parse(row.sync_state) as PeerSyncState,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function itemFromRow(row: ItemRow): ImportedItem {
  return {
    path: row.path,
    peerId: row.peer_id,
    remotePath: row.remote_path,
    remoteRevision: row.remote_revision,
    syncedAt: row.synced_at,
    orphaned: row.orphaned === 1,
  };
}
