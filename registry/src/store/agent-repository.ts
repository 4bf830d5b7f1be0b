import type { Visibility } from './server-repository.js';

/**
 * Registry storage of A2A agents. Every backend (SQLite, PostgreSQL) implements this interface and
 * passes the same contract suite (tests/agents/agent-repository-contract.ts).
 *
 * Every change (create, update, delete) takes the next number of one agents-wide sequence, in the
 * same transaction, so that `listChangedSince(n)` returns every change after `n` exactly once, in
 * order. A deletion leaves a tombstone with its revision and sequence, so an incremental reader
 * (federation) learns about it. Heartbeats are not changes: they move neither revision nor sequence.
 */

export const TRUST_LEVELS = ['unverified', 'community', 'verified', 'trusted'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

export const AGENT_CARD_VERSIONS = ['0.3', '1.0'] as const;
export type AgentCardVersion = (typeof AGENT_CARD_VERSIONS)[number];

export interface AgentFields {
  /** The A2A Agent Card, kept exactly as submitted. */
  card: Record<string, unknown>;
  /** Which A2A schema the card validated against. */
  cardVersion: AgentCardVersion;
  tags: string[];
  visibility: Visibility;
  /** The groups that see a group-restricted agent; empty otherwise. */
  allowedGroups: string[];
  trustLevel: TrustLevel;
  enabled: boolean;
  /** The user who registered the agent. */
  publishedBy: string;
}

export interface StoredAgent extends AgentFields {
  /** Canonical agent path, e.g. `/agents/travel`; the key. */
  path: string;
  /** 1 when created (or one more than its tombstone's), one more on every update. */
  revision: number;
  /** The agents-wide change number of the last change. */
  sequence: number;
  registeredAt: string;
  updatedAt: string;
  /** ISO 8601 of the last heartbeat; null when it never sent one. */
  lastHeartbeatAt: string | null;
  /** The latency the last heartbeat reported, in milliseconds; null when none. */
  latencyMs: number | null;
}

export interface AgentTombstone {
  path: string;
  /** One more than the revision of the agent it replaced. */
  revision: number;
  sequence: number;
  deletedAt: string;
}

export type AgentChange = { kind: 'upsert'; agent: StoredAgent } | { kind: 'delete'; tombstone: AgentTombstone };

/** A partial edit or a function of the current agent returning one, applied inside the write's transaction. */
export type AgentChanges = Partial<AgentFields> | ((current: StoredAgent) => Partial<AgentFields>);

export interface AgentRepository {
  /** Every live agent, ordered by path (byte order). */
  list(): Promise<StoredAgent[]>;
  /** A live agent; undefined when there is none or only a tombstone. */
  get(path: string): Promise<StoredAgent | undefined>;
  /** Stores a new agent; throws REGISTRY_AGENT_EXISTS when a live agent holds the path. */
  create(path: string, fields: AgentFields): Promise<StoredAgent>;
  /** Applies changes to a live agent, incrementing revision and sequence; undefined when there is none. */
  update(path: string, changes: AgentChanges): Promise<StoredAgent | undefined>;
  /**
   * Replaces a live agent by a tombstone; false when there was none. `check` runs inside the
   * transaction on the current agent, and what it throws aborts the deletion.
   */
  delete(path: string, check?: (current: StoredAgent) => void): Promise<boolean>;
  /** Records a heartbeat of a live agent; false when there is none. */
  recordHeartbeat(path: string, at: Date, latencyMs: number | null): Promise<boolean>;
  /** Every change with a sequence above `sequence`, ascending, at most `limit` of them. */
  listChangedSince(sequence: number, limit?: number): Promise<AgentChange[]>;
  /** The sequence of the newest change; 0 before the first. */
  latestSequence(): Promise<number>;
}

export const DEFAULT_CHANGES_LIMIT = 500;

/**
 * The agent after an edit: changes merged over the current agent, path and registration kept,
 * revision incremented, at the sequence the write took.
 */
export function applyAgentChanges(current: StoredAgent, changes: AgentChanges, sequence: number, now: Date): StoredAgent {
  const edit = typeof changes === 'function' ? changes(current) : changes;
  const defined = Object.fromEntries(Object.entries(edit).filter(([, value]) => value !== undefined));
  return {
    ...current,
    ...defined,
    path: current.path,
    registeredAt: current.registeredAt,
    revision: current.revision + 1,
    sequence,
    updatedAt: now.toISOString(),
  };
}
