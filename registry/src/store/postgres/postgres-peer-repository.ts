import type { Pool, PoolClient } from 'pg';
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
} from '../peer-repository.js';
import type { RepositoryOptions, StoredServer } from '../server-repository.js';
import { hasSameFields } from '../same-server-fields.js';
import { inTransaction } from './in-transaction.js';
import { BUMP_VERSION, COLUMNS, fromRow as serverFromRow, INSERT, toParameters, UPDATE, type ServerRow } from './postgres-server-repository.js';

interface PeerRow {
  peer_id: string;
  name: string;
  endpoint: string;
  enabled: boolean;
  sync_interval_minutes: number;
  filters: PeerFilters;
  jwks_url: string | null;
  token_ciphertext: string | null;
  tls: PeerTls | null;
  route_via_gateway: string | null;
  origin: string;
  kind: string;
  sync_state: PeerSyncState;
  created_at: Date;
  updated_at: Date;
}

interface ItemRow {
  path: string;
  peer_id: string;
  remote_path: string;
  remote_revision: number;
  synced_at: Date;
  orphaned: boolean;
}

const PEER_COLUMN_NAMES = [
  'peer_id',
  'name',
  'endpoint',
  'enabled',
  'sync_interval_minutes',
  'filters',
  'jwks_url',
  'token_ciphertext',
  'tls',
  'route_via_gateway',
  'origin',
  'kind',
  'sync_state',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof PeerRow>;
const PEER_COLUMNS = PEER_COLUMN_NAMES.join(', ');
const INSERT_PEER = `INSERT INTO federation_peers (${PEER_COLUMNS}) VALUES (${PEER_COLUMN_NAMES.map((_, i) => `$${i + 1}`).join(', ')})`;
const UPDATE_PEER = `UPDATE federation_peers SET ${PEER_COLUMN_NAMES.map((name, i) => `${name} = $${i + 1}`).slice(1).join(', ')} WHERE peer_id = $1`;
const UPSERT_ITEM = `INSERT INTO federated_items (path, peer_id, remote_path, remote_revision, synced_at, orphaned)
  VALUES ($1, $2, $3, $4, $5, false)
  ON CONFLICT (path) DO UPDATE SET peer_id = excluded.peer_id, remote_path = excluded.remote_path,
    remote_revision = excluded.remote_revision, synced_at = excluded.synced_at, orphaned = false`;
const UNIQUE_VIOLATION = '23505';

/** The PeerRepository on PostgreSQL; writes lock the peer's row, so replicas syncing one peer queue. */
export function postgresPeerRepository(pool: Pool, options: RepositoryOptions = {}): PeerRepository {
  const clock = options.clock ?? (() => new Date());
  const lockedPeer = async (client: PoolClient, peerId: string): Promise<StoredPeer | undefined> => {
    const { rows } = await client.query<PeerRow>(`SELECT ${PEER_COLUMNS} FROM federation_peers WHERE peer_id = $1 FOR UPDATE`, [peerId]);
    return rows[0] === undefined ? undefined : peerFromRow(rows[0]);
  };
  const serverAt = async (client: PoolClient, path: string): Promise<StoredServer | undefined> => {
    const { rows } = await client.query<ServerRow>(`SELECT ${COLUMNS} FROM servers WHERE path = $1 FOR UPDATE`, [path]);
    return rows[0] === undefined ? undefined : serverFromRow(rows[0]);
  };
  const itemAt = async (client: PoolClient, path: string): Promise<ItemRow | undefined> =>
    (await client.query<ItemRow>('SELECT * FROM federated_items WHERE path = $1', [path])).rows[0];
  /** Disables a copy and marks it orphaned; false when it is not an active copy. */
  const orphan = async (client: PoolClient, path: string, at: string): Promise<boolean> => {
    const item = await itemAt(client, path);
    const current = await serverAt(client, path);
    if (item === undefined || item.orphaned || current === undefined) return false;
    await client.query('UPDATE federated_items SET orphaned = true WHERE path = $1', [path]);
    await client.query(UPDATE, toParameters({ ...current, enabled: false, revision: current.revision + 1, updatedAt: at }));
    return true;
  };

  return {
    list: async () => (await pool.query<PeerRow>(`SELECT ${PEER_COLUMNS} FROM federation_peers ORDER BY peer_id`)).rows.map(peerFromRow),
    get: async (peerId) => {
      const { rows } = await pool.query<PeerRow>(`SELECT ${PEER_COLUMNS} FROM federation_peers WHERE peer_id = $1`, [peerId]);
      return rows[0] === undefined ? undefined : peerFromRow(rows[0]);
    },
    create: async (peerId, settings, origin) => {
      const now = clock().toISOString();
      const peer: StoredPeer = { ...settings, peerId, origin, state: { ...INITIAL_SYNC_STATE }, createdAt: now, updatedAt: now };
      try {
        await pool.query(INSERT_PEER, peerParameters(peer));
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw peerExists(peerId);
        throw error;
      }
      return peer;
    },
    update: (peerId, changes, updateOptions = {}) =>
      inTransaction(pool, async (client) => {
        const current = await lockedPeer(client, peerId);
        if (current === undefined) return undefined;
        const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<PeerSettings>;
        const state = updateOptions.resetCursor ? { ...current.state, cursor: 0 } : current.state;
        const next: StoredPeer = { ...current, ...defined, state, updatedAt: clock().toISOString() };
        await client.query(UPDATE_PEER, peerParameters(next));
        return next;
      }),
    delete: (peerId) =>
      inTransaction(pool, async (client) => {
        const removed = ((await client.query('DELETE FROM federation_peers WHERE peer_id = $1', [peerId])).rowCount ?? 0) > 0;
        if (!removed) return false;
        const at = clock().toISOString();
        const { rows } = await client.query<ItemRow>('SELECT * FROM federated_items WHERE peer_id = $1 ORDER BY path', [peerId]);
        let orphaned = 0;
        for (const item of rows) if (await orphan(client, item.path, at)) orphaned += 1;
        if (orphaned > 0) await client.query(BUMP_VERSION);
        return true;
      }),
    recordFailure: async (peerId, error, at) => {
      await inTransaction(pool, async (client) => {
        const current = await lockedPeer(client, peerId);
        if (current === undefined) return;
        const state: PeerSyncState = { ...current.state, lastAttempt: at, lastError: error, consecutiveFailures: current.state.consecutiveFailures + 1 };
        await client.query(UPDATE_PEER, peerParameters({ ...current, state }));
      });
    },
    importedItems: async (peerId) =>
      (await pool.query<ItemRow>('SELECT * FROM federated_items WHERE peer_id = $1 ORDER BY path', [peerId])).rows.map(itemFromRow),
    applySync: (peerId, result) =>
      inTransaction(pool, async (client): Promise<AppliedSync> => {
        const peer = await lockedPeer(client, peerId);
        if (peer === undefined) throw peerNotFound(peerId);
        const conflicts: string[] = [];
        const changed: string[] = [];
        for (const upsert of result.upserts) {
          const existing = await serverAt(client, upsert.path);
          const item = await itemAt(client, upsert.path);
          const itemParameters = [upsert.path, peerId, upsert.remotePath, upsert.remoteRevision, result.syncedAt];
          if (existing === undefined) {
            const server: StoredServer = { ...upsert.fields, path: upsert.path, revision: 1, registeredAt: result.syncedAt, updatedAt: result.syncedAt };
            await client.query(INSERT, toParameters(server));
            await client.query(UPSERT_ITEM, itemParameters);
            changed.push(upsert.path);
          } else if (item === undefined || item.peer_id !== peerId) {
            conflicts.push(upsert.path);
          } else if (item.remote_revision === upsert.remoteRevision && !item.orphaned && hasSameFields(existing, upsert.fields)) {
            await client.query('UPDATE federated_items SET synced_at = $1 WHERE path = $2', [result.syncedAt, upsert.path]);
          } else {
            await client.query(UPDATE, toParameters({ ...existing, ...upsert.fields, revision: existing.revision + 1, updatedAt: result.syncedAt }));
            await client.query(UPSERT_ITEM, itemParameters);
            changed.push(upsert.path);
          }
        }
        for (const path of result.orphans) {
          if ((await itemAt(client, path))?.peer_id === peerId && (await orphan(client, path, result.syncedAt))) changed.push(path);
        }
        if (changed.length > 0) await client.query(BUMP_VERSION);
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM federated_items WHERE peer_id = $1 AND NOT orphaned', [peerId]);
        const totalServersSynced = Number(rows[0]?.n ?? 0);
        await client.query(UPDATE_PEER, peerParameters({ ...peer, state: { ...result.state, totalServersSynced } }));
        return { conflicts, changed };
      }),
    exportChanges: (since, limit) =>
      inTransaction(pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const servers = await client.query<ServerRow & { change_seq: string }>(
          `SELECT ${COLUMNS}, change_seq FROM servers WHERE change_seq > $1 ORDER BY change_seq LIMIT $2`,
          [since, limit],
        );
        const tombstones =
          since > 0
            ? (await client.query<{ path: string; change_seq: string }>(
                'SELECT path, change_seq FROM server_tombstones WHERE change_seq > $1 ORDER BY change_seq LIMIT $2',
                [since, limit],
              )).rows
            : [];
        const changes: ExportChange[] = [
          ...servers.rows.map((row): ExportChange => ({ kind: 'server', seq: Number(row.change_seq), server: serverFromRow(row) })),
          ...tombstones.map((row): ExportChange => ({ kind: 'removed', seq: Number(row.change_seq), path: row.path })),
        ];
        return changes.sort((a, b) => a.seq - b.seq).slice(0, limit);
      }),
    latestSequence: async () => Number((await pool.query<{ value: string }>('SELECT value FROM federation_sequence WHERE id = 1')).rows[0]?.value ?? 0),
  };
}

function peerParameters(peer: StoredPeer): unknown[] {
  return [
    peer.peerId,
    peer.name,
    peer.endpoint,
    peer.enabled,
    peer.syncIntervalMinutes,
    JSON.stringify(peer.filters),
    peer.jwksUrl,
    peer.tokenCiphertext,
    peer.tls === null ? null : JSON.stringify(peer.tls),
    peer.routeViaGateway,
    peer.origin,
    peer.kind,
    JSON.stringify(peer.state),
    peer.createdAt,
    peer.updatedAt,
  ];
}

function peerFromRow(row: PeerRow): StoredPeer {
  return {
    peerId: row.peer_id,
    name: row.name,
    endpoint: row.endpoint,
    enabled: row.enabled,
    syncIntervalMinutes: row.sync_interval_minutes,
    filters: row.filters,
    jwksUrl: row.jwks_url,
    tokenCiphertext: row.token_ciphertext,
    tls: row.tls,
    routeViaGateway: row.route_via_gateway,
    origin: row.origin as StoredPeer['origin'],
    kind: row.kind as PeerKind,
    state: row.sync_state,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function itemFromRow(row: ItemRow): ImportedItem {
  return {
    path: row.path,
    peerId: row.peer_id,
    remotePath: row.remote_path,
    remoteRevision: row.remote_revision,
    syncedAt: row.synced_at.toISOString(),
    orphaned: row.orphaned,
  };
}
