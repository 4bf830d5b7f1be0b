import type { Pool, PoolClient } from 'pg';
import { agentExists } from '../../errors/agent-errors.js';
import {
  applyAgentChanges,
  DEFAULT_CHANGES_LIMIT,
  type AgentCardVersion,
  type AgentChange,
  type AgentRepository,
  type StoredAgent,
  type TrustLevel,
} from '../agent-repository.js';
import type { RepositoryOptions, Visibility } from '../server-repository.js';
import { inTransaction } from './in-transaction.js';

interface AgentRow {
  path: string;
  card: Record<string, unknown> | null;
  card_version: string | null;
  tags: string[];
  visibility: string;
  allowed_groups: string[];
  trust_level: string;
  enabled: boolean;
  published_by: string;
  revision: number;
  sequence: string;
  registered_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  last_heartbeat_at: Date | null;
  latency_ms: number | null;
}

const COLUMN_NAMES = [
  'path', 'card', 'card_version', 'tags', 'visibility', 'allowed_groups', 'trust_level', 'enabled', 'published_by',
  'revision', 'sequence', 'registered_at', 'updated_at', 'deleted_at', 'last_heartbeat_at', 'latency_ms',
] as const satisfies ReadonlyArray<keyof AgentRow>;
const COLUMNS = COLUMN_NAMES.join(', ');
const INSERT = `INSERT INTO agents (${COLUMNS}) VALUES (${COLUMN_NAMES.map((_, index) => `$${index + 1}`).join(', ')})`;
/** Writes over the row that is there (locked by the transaction): an edit, a deletion, or a tombstone re-used. */
const UPSERT = `${INSERT} ON CONFLICT (path) DO UPDATE SET ${COLUMN_NAMES.slice(1).map((name) => `${name} = excluded.${name}`).join(', ')}`;
const UNIQUE_VIOLATION = '23505';
/**
 * Taking the next number locks the counter row until commit, so sequences commit in order and a
 * reader of listChangedSince never skips one. Every write locks its agent row first, then the counter.
 */
const NEXT_SEQUENCE = 'UPDATE agents_sequence SET value = value + 1 WHERE id = 1 RETURNING value';

/** The AgentRepository on PostgreSQL; each write is one transaction, safe across replicas. */
export function postgresAgentRepository(pool: Pool, options: RepositoryOptions = {}): AgentRepository {
  const clock = options.clock ?? (() => new Date());
  const take = async (client: PoolClient): Promise<number> =>
    Number((await client.query<{ value: string }>(NEXT_SEQUENCE)).rows[0]?.value);
  const row = async (client: Pick<PoolClient, 'query'>, path: string, lock = false): Promise<AgentRow | undefined> =>
    (await client.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE path = $1${lock ? ' FOR UPDATE' : ''}`, [path])).rows[0];
  const liveLocked = async (client: PoolClient, path: string): Promise<StoredAgent | undefined> => {
    const found = await row(client, path, true);
    return found === undefined || found.deleted_at !== null ? undefined : fromRow(found);
  };

  return {
    list: async () => (await pool.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE deleted_at IS NULL ORDER BY path`)).rows.map(fromRow),
    get: async (path) => {
      const found = await row(pool, path);
      return found === undefined || found.deleted_at !== null ? undefined : fromRow(found);
    },
    create: (path, fields) =>
      inTransaction(pool, async (client) => {
        const existing = await row(client, path, true);
        if (existing !== undefined && existing.deleted_at === null) throw agentExists(path);
        const sequence = await take(client);
        const now = clock().toISOString();
        const stored: StoredAgent = {
          ...fields,
          path,
          revision: (existing?.revision ?? 0) + 1,
          sequence,
          registeredAt: now,
          updatedAt: now,
          lastHeartbeatAt: null,
          latencyMs: null,
        };
        // A path never used has no row to lock: a concurrent create of it makes this INSERT fail.
        await client.query(existing === undefined ? INSERT : UPSERT, toParameters(stored));
        return stored;
      }).catch((error: unknown) => {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw agentExists(path);
        throw error;
      }),
    update: (path, changes) =>
      inTransaction(pool, async (client) => {
        const current = await liveLocked(client, path);
        if (current === undefined) return undefined;
        const next = applyAgentChanges(current, changes, await take(client), clock());
        await client.query(UPSERT, toParameters(next));
        return next;
      }),
    delete: (path, check) =>
      inTransaction(pool, async (client) => {
        const current = await liveLocked(client, path);
        if (current === undefined) return false;
        check?.(current);
        await client.query(UPSERT, tombstoneParameters(current, await take(client), clock().toISOString()));
        return true;
      }),
    recordHeartbeat: async (path, at, latencyMs) =>
      ((await pool.query('UPDATE agents SET last_heartbeat_at = $1, latency_ms = $2 WHERE path = $3 AND deleted_at IS NULL', [at.toISOString(), latencyMs, path]))
        .rowCount ?? 0) > 0,
    listChangedSince: async (sequence, limit = DEFAULT_CHANGES_LIMIT) =>
      (await pool.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE sequence > $1 ORDER BY sequence LIMIT $2`, [sequence, limit])).rows.map(changeOf),
    latestSequence: async () => Number((await pool.query<{ value: string }>('SELECT value FROM agents_sequence WHERE id = 1')).rows[0]?.value ?? 0),
  };
}

function changeOf(row: AgentRow): AgentChange {
  if (row.deleted_at !== null) {
    return { kind: 'delete', tombstone: { path: row.path, revision: row.revision, sequence: Number(row.sequence), deletedAt: row.deleted_at.toISOString() } };
  }
  return { kind: 'upsert', agent: fromRow(row) };
}

/** The row that remembers a deleted agent: no card, its revision and the deletion's sequence. */
function tombstoneParameters(current: StoredAgent, sequence: number, now: string): unknown[] {
  const values = toParameters({ ...current, revision: current.revision + 1, sequence, updatedAt: now, lastHeartbeatAt: null, latencyMs: null });
  return COLUMN_NAMES.map((name, index) => (name === 'card' || name === 'card_version' ? null : name === 'deleted_at' ? now : values[index]));
}

/** The values of COLUMN_NAMES, in order (deleted_at null: a live agent). */
function toParameters(agent: StoredAgent): unknown[] {
  return [
    agent.path,
    JSON.stringify(agent.card),
    agent.cardVersion,
    JSON.stringify(agent.tags),
    agent.visibility,
    JSON.stringify(agent.allowedGroups),
    agent.trustLevel,
    agent.enabled,
    agent.publishedBy,
    agent.revision,
    agent.sequence,
    agent.registeredAt,
    agent.updatedAt,
    null,
    agent.lastHeartbeatAt,
    agent.latencyMs,
  ];
}

function fromRow(row: AgentRow): StoredAgent {
  return {
    path: row.path,
    card: row.card ?? {},
    cardVersion: row.card_version as AgentCardVersion,
    tags: row.tags,
    visibility: row.visibility as Visibility,
    allowedGroups: row.allowed_groups,
    trustLevel: row.trust_level as TrustLevel,
    enabled: row.enabled,
    publishedBy: row.published_by,
    revision: row.revision,
    sequence: Number(row.sequence),
    registeredAt: row.registered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastHeartbeatAt: row.last_heartbeat_at === null ? null : row.last_heartbeat_at.toISOString(),
    latencyMs: row.latency_ms,
  };
}
