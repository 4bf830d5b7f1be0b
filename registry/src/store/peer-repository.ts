import type { ServerFields, StoredServer } from './server-repository.js';

/**
 * Federation storage: the peer registries this one imports from, the copies imported from them, and
 * the change feed this registry exports. Every backend (SQLite, PostgreSQL) implements it and passes
 * the same contract suite (tests/federation/peer-repository-contract.ts).
 */

export const SYNC_MODES = ['all', 'whitelist', 'tag_filter'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Which of a peer's items are imported. */
export interface PeerFilters {
  syncMode: SyncMode;
  /** Remote server paths imported in whitelist mode. */
  whitelistServers: string[];
  whitelistAgents: string[];
  /** In tag_filter mode, items carrying at least one of these tags are imported. */
  tagFilters: string[];
}

export const PEER_KINDS = ['registry', 'mcp-registry'] as const;
/** `registry`: another registry of this kind (its export API); `mcp-registry`: an official MCP Registry API (/v0.1/servers). */
export type PeerKind = (typeof PEER_KINDS)[number];

/** What an operator sets on a peer. */
export interface PeerSettings {
  kind: PeerKind;
  name: string;
  /** Base URL of the peer registry. */
  endpoint: string;
  enabled: boolean;
  /** 0: manual sync only. */
  syncIntervalMinutes: number;
  filters: PeerFilters;
  /** Where the peer publishes the key its exports are signed with; exports are verified when set. */
  jwksUrl: string | null;
  /** The peer's federation token, Fernet-encrypted; never the clear token. */
  tokenCiphertext: string | null;
  /** Mutual TLS toward the peer: files on this host, read at each sync. */
  tls: PeerTls | null;
  /** The peer's gateway: imported servers are then called through it (its access control applies), not straight at their upstreams. */
  routeViaGateway: string | null;
}

export interface PeerTls {
  /** PEM CA bundle the peer's certificate must chain to (default: the system's). */
  caFile: string | null;
  /** PEM client certificate and key this registry presents. */
  certFile: string | null;
  keyFile: string | null;
}

/** How syncing with a peer has gone. */
export interface PeerSyncState {
  /** One more after every successful sync. */
  generation: number;
  /** How far this registry has applied the peer's changes: its change sequence (`since` of the next pull), or for an MCP Registry the newest updatedAt seen, in epoch milliseconds. */
  cursor: number;
  lastSuccessfulSync: string | null;
  lastAttempt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  totalServersSynced: number;
  totalAgentsSynced: number;
}

export const INITIAL_SYNC_STATE: PeerSyncState = Object.freeze({
  generation: 0,
  cursor: 0,
  lastSuccessfulSync: null,
  lastAttempt: null,
  lastError: null,
  consecutiveFailures: 0,
  totalServersSynced: 0,
  totalAgentsSynced: 0,
});

export interface StoredPeer extends PeerSettings {
  peerId: string;
  /** `api` for peers added through the API, `config` for those declared in configuration. */
  origin: 'api' | 'config';
  state: PeerSyncState;
  createdAt: string;
  updatedAt: string;
}

/** A server imported from a peer, as this registry keeps track of it. */
export interface ImportedItem {
  /** Where it lives here: `/{peer_id}{remote path}`. */
  path: string;
  peerId: string;
  remotePath: string;
  remoteRevision: number;
  syncedAt: string;
  /** Gone at the source (or its peer deleted): kept, disabled, deletable. */
  orphaned: boolean;
}

/** One server to store from a peer: its local copy's fields (source `federated`) and where it came from. */
export interface ImportedServer {
  path: string;
  remotePath: string;
  remoteRevision: number;
  fields: ServerFields;
}

/** The outcome of one sync, applied in one transaction. */
export interface SyncResult {
  upserts: ImportedServer[];
  /** Local paths of this peer's copies that are gone at the source or no longer selected. */
  orphans: string[];
  state: PeerSyncState;
  syncedAt: string;
}

export interface AppliedSync {
  /** Local paths skipped because a server that is not this peer's copy holds them. */
  conflicts: string[];
  /** Local paths created, changed, restored or orphaned. */
  changed: string[];
}

/** A change in the export feed: a server as it now is, or the path of one that is gone. */
export type ExportChange = { kind: 'server'; seq: number; server: StoredServer } | { kind: 'removed'; seq: number; path: string };

export interface PeerRepository {
  /** Every peer, ordered by peer_id. */
  list(): Promise<StoredPeer[]>;
  get(peerId: string): Promise<StoredPeer | undefined>;
  /** Throws RegistryError REGISTRY_PEER_EXISTS when the id is taken. */
  create(peerId: string, settings: PeerSettings, origin: StoredPeer['origin']): Promise<StoredPeer>;
  /** Changes settings; `resetCursor` makes the next sync a full one. Undefined when there is no such peer. */
  update(peerId: string, changes: Partial<PeerSettings>, options?: { resetCursor?: boolean }): Promise<StoredPeer | undefined>;
  /** Removes the peer and orphans its copies, in one transaction; false when there was none. */
  delete(peerId: string): Promise<boolean>;
  /** Records a failed attempt (consecutive_failures + 1). */
  recordFailure(peerId: string, error: string, at: string): Promise<void>;
  /** Every copy imported from a peer, ordered by path. */
  importedItems(peerId: string): Promise<ImportedItem[]>;
  /** Applies one sync atomically: copies written, orphans marked (and disabled), the peer's state saved with totalServersSynced counted. */
  applySync(peerId: string, result: SyncResult): Promise<AppliedSync>;
  /** Up to `limit` changes after `since`, in sequence order (tombstones only when since > 0). */
  exportChanges(since: number, limit: number): Promise<ExportChange[]>;
  /** The newest change sequence number. */
  latestSequence(): Promise<number>;
}
