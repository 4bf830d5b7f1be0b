import type { Database, Statement } from 'better-sqlite3';
import { agentExists } from '../../errors/agent-errors.js';
import {
  applyAgentChanges,
  DEFAULT_CHANGES_LIMIT,
  type AgentCardVersion,
  type AgentChange,
  type AgentFields,
  type AgentRepository,
  type StoredAgent,
  type TrustLevel,
} from '../agent-repository.js';
import type { RepositoryOptions, Visibility } from '../server-repository.js';

interface AgentRow {
  path: string;
  card: string | null;
  card_version: string | null;
  tags: string;
  visibility: string;
  allowed_groups: string;
  trust_level: string;
  enabled: number;
  published_by: string;
  revision: number;
  sequence: number;
  registered_at: string;
  updated_at: string;
  deleted_at: string | null;
  last_heartbeat_at: string | null;
  latency_ms: number | null;
}

const COLUMN_NAMES = [
  'path', 'card', 'card_version', 'tags', 'visibility', 'allowed_groups', 'trust_level', 'enabled', 'published_by',
  'revision', 'sequence', 'registered_at', 'updated_at', 'deleted_at', 'last_heartbeat_at', 'latency_ms',
] as const satisfies ReadonlyArray<keyof AgentRow>;
const COLUMNS = COLUMN_NAMES.join(', ');

/** The AgentRepository on an open, migrated SQLite database; each write is one BEGIN IMMEDIATE transaction. */
export function sqliteAgentRepository(db: Database, options: RepositoryOptions = {}): AgentRepository {
  const clock = options.clock ?? (() => new Date());
  const selectLive: Statement<[], AgentRow> = db.prepare(`SELECT ${COLUMNS} FROM agents WHERE deleted_at IS NULL ORDER BY path`);
  const selectOne: Statement<[string], AgentRow> = db.prepare(`SELECT ${COLUMNS} FROM agents WHERE path = ?`);
  const upsert: Statement<AgentRow> = db.prepare(
    `INSERT OR REPLACE INTO agents (${COLUMNS}) VALUES (${COLUMN_NAMES.map((name) => `@${name}`).join(', ')})`,
  );
  const heartbeat: Statement<[string, number | null, string]> = db.prepare(
    'UPDATE agents SET last_heartbeat_at = ?, latency_ms = ? WHERE path = ? AND deleted_at IS NULL',
  );
  const changedSince: Statement<[number, number], AgentRow> = db.prepare(
    `SELECT ${COLUMNS} FROM agents WHERE sequence > ? ORDER BY sequence LIMIT ?`,
  );
  const nextSequence: Statement<[], { value: number }> = db.prepare('UPDATE agents_sequence SET value = value + 1 WHERE id = 1 RETURNING value');
  const latest: Statement<[], { value: number }> = db.prepare('SELECT value FROM agents_sequence WHERE id = 1');

  const write = <T>(work: () => T): T => db.transaction(work).immediate();
  const take = (): number => (nextSequence.get() as { value: number }).value;
  const live = (path: string): StoredAgent | undefined => {
    const row = selectOne.get(path);
    return row === undefined || row.deleted_at !== null ? undefined : fromRow(row);
  };

  return {
    list: async () => selectLive.all().map(fromRow),
    get: async (path) => live(path),
    create: async (path, fields) =>
      write(() => {
        const existing = selectOne.get(path);
        if (existing !== undefined && existing.deleted_at === null) throw agentExists(path);
        const now = clock().toISOString();
        const stored: StoredAgent = {
          ...fields,
          path,
          revision: (existing?.revision ?? 0) + 1,
          sequence: take(),
          registeredAt: now,
          updatedAt: now,
          lastHeartbeatAt: null,
          latencyMs: null,
        };
        upsert.run(toRow(stored));
        return stored;
      }),
    update: async (path, changes) =>
      write(() => {
        const current = live(path);
        if (current === undefined) return undefined;
        const next = applyAgentChanges(current, changes, take(), clock());
        upsert.run(toRow(next));
        return next;
      }),
    delete: async (path, check) =>
      write(() => {
        const current = live(path);
        if (current === undefined) return false;
        check?.(current);
        const now = clock().toISOString();
        upsert.run(tombstoneRow(current, take(), now));
        return true;
      }),
    recordHeartbeat: async (path, at, latencyMs) => heartbeat.run(at.toISOString(), latencyMs, path).changes > 0,
    listChangedSince: async (sequence, limit = DEFAULT_CHANGES_LIMIT) => changedSince.all(sequence, limit).map(changeOf),
    latestSequence: async () => latest.get()?.value ?? 0,
  };
}

/** The row that remembers a deleted agent: no card, its revision and the deletion's sequence. */
function tombstoneRow(current: StoredAgent, sequence: number, now: string): AgentRow {
  return {
    ...toRow(current),
    card: null,
    card_version: null,
    revision: current.revision + 1,
    sequence,
    updated_at: now,
    deleted_at: now,
    last_heartbeat_at: null,
    latency_ms: null,
  };
}

function changeOf(row: AgentRow): AgentChange {
  if (row.deleted_at !== null) {
    return { kind: 'delete', tombstone: { path: row.path, revision: row.revision, sequence: row.sequence, deletedAt: row.deleted_at } };
  }
  return { kind: 'upsert', agent: fromRow(row) };
}

function toRow(agent: StoredAgent): AgentRow {
  return {
    path: agent.path,
    card: JSON.stringify(agent.card),
    card_version: agent.cardVersion,
    tags: JSON.stringify(agent.tags),
    visibility: agent.visibility,
    allowed_groups: JSON.stringify(agent.allowedGroups),
    trust_level: agent.trustLevel,
    enabled: agent.enabled ? 1 : 0,
    published_by: agent.publishedBy,
    revision: agent.revision,
    sequence: agent.sequence,
    registered_at: agent.registeredAt,
    updated_at: agent.updatedAt,
    deleted_at: null,
    last_heartbeat_at: agent.lastHeartbeatAt,
    latency_ms: agent.latencyMs,
  };
}

function fromRow(row: AgentRow): StoredAgent {
  const fields: AgentFields = {
    card: JSON.parse(row.card ?? '{}') as Record<string, unknown>,
    cardVersion: row.card_version as AgentCardVersion,
    tags: JSON.parse(row.tags) as string[],
    visibility: row.visibility as Visibility,
    allowedGroups: JSON.parse(row.allowed_groups) as string[],
    trustLevel: row.trust_level as TrustLevel,
    enabled: row.enabled === 1,
    publishedBy: row.published_by,
  };
  return {
    ...fields,
    path: row.path,
    revision: row.revision,
    sequence: row.sequence,
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
    lastHeartbeatAt: row.last_heartbeat_at,
    latencyMs: row.latency_ms,
  };
}
