import { peerNotFound } from '../errors/peer-errors.js';
import { RegistryError } from '../errors/registry-error.js';
import type { PeerFilters, PeerRepository, PeerSettings, StoredPeer } from '../store/peer-repository.js';
import { fernetEncrypt, type FernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { tlsOf, toPeerEntry, type NewPeerInput, type PeerEntry, type PeerUpdateInput } from './peer-format.js';
import type { PeerSyncer } from './sync-peer.js';

export interface PeerStatus {
  peer_id: string;
  is_healthy: boolean;
  last_successful_sync: string | null;
  last_sync_attempt: string | null;
  last_error: string | null;
  total_servers_synced: number;
  total_agents_synced: number;
  sync_in_progress: boolean;
  consecutive_failures: number;
  current_generation: number;
  /** The last successful sync is older than twice the interval (or there was none): alert on it. */
  sync_stale: boolean;
}

export interface PeerService {
  list(): Promise<PeerEntry[]>;
  get(peerId: string): Promise<PeerEntry>;
  create(input: NewPeerInput, origin?: StoredPeer['origin']): Promise<PeerEntry>;
  update(peerId: string, input: PeerUpdateInput): Promise<PeerEntry>;
  setEnabled(peerId: string, enabled: boolean): Promise<PeerEntry>;
  remove(peerId: string): Promise<void>;
  status(peerId: string): Promise<PeerStatus>;
}

/** Peer configuration on top of the repository: tokens encrypted before they are stored, config-declared peers protected. */
export function createPeerService(peers: PeerRepository, encryptionKey: FernetKey | undefined, syncer: PeerSyncer, clock: () => Date = () => new Date()): PeerService {
  const encrypt = (token: string): string => {
    if (encryptionKey === undefined) {
      throw new RegistryError(
        'REGISTRY_FEDERATION_KEY_MISSING',
        400,
        'this registry cannot store a federation_token: set FEDERATION_ENCRYPTION_KEY (make one with "npx mcpgw federation keygen") and restart it',
      );
    }
    return fernetEncrypt(encryptionKey, token);
  };
  const existing = async (peerId: string): Promise<StoredPeer> => {
    const peer = await peers.get(peerId);
    if (peer === undefined) throw peerNotFound(peerId);
    return peer;
  };
  const found = (peerId: string, peer: StoredPeer | undefined): PeerEntry => {
    if (peer === undefined) throw peerNotFound(peerId);
    return toPeerEntry(peer);
  };
  const refuseConfigManaged = (peer: StoredPeer, what: string): void => {
    if (peer.origin !== 'config') return;
    throw new RegistryError(
      'REGISTRY_PEER_CONFIG_MANAGED',
      409,
      `peer ${peer.peerId} is declared in the federation configuration (config/federation.json or MCP_FEDERATION_NODES); ${what} it there`,
    );
  };

  return {
    list: async () => (await peers.list()).map(toPeerEntry),
    get: async (peerId) => toPeerEntry(await existing(peerId)),
    create: async (input, origin = 'api') => toPeerEntry(await peers.create(input.peer_id, peerSettingsOf(input, encrypt), origin)),
    update: async (peerId, input) => {
      if (input.peer_id !== undefined && input.peer_id !== peerId) {
        throw new RegistryError('REGISTRY_INVALID_PEER', 400, `peer_id must be ${peerId} (the id in the URL) or be left out; to rename a peer, add it anew and delete this one`);
      }
      const current = await existing(peerId);
      refuseConfigManaged(current, 'change');
      const filters: PeerFilters = {
        syncMode: input.sync_mode ?? current.filters.syncMode,
        whitelistServers: input.whitelist_servers ?? current.filters.whitelistServers,
        whitelistAgents: input.whitelist_agents ?? current.filters.whitelistAgents,
        tagFilters: input.tag_filters ?? current.filters.tagFilters,
      };
      const changes: Partial<PeerSettings> = {
        name: input.name,
        endpoint: input.endpoint,
        enabled: input.enabled,
        syncIntervalMinutes: input.sync_interval_minutes,
        filters,
        ...(input.jwks_url === undefined ? {} : { jwksUrl: input.jwks_url }),
        tls: tlsOf(input, current.tls),
        ...(input.route_via_gateway === undefined ? {} : { routeViaGateway: input.route_via_gateway }),
        ...(input.federation_token === undefined ? {} : { tokenCiphertext: input.federation_token === null ? null : encrypt(input.federation_token) }),
      };
      // Another source or other filters: the next sync pulls everything, so the copies match the new selection.
      const resetCursor =
        (input.endpoint !== undefined && input.endpoint !== current.endpoint) ||
        (input.route_via_gateway !== undefined && input.route_via_gateway !== current.routeViaGateway) ||
        JSON.stringify(filters) !== JSON.stringify(current.filters);
      return found(peerId, await peers.update(peerId, changes, { resetCursor }));
    },
    setEnabled: async (peerId, enabled) => found(peerId, await peers.update(peerId, { enabled })),
    remove: async (peerId) => {
      refuseConfigManaged(await existing(peerId), 'remove');
      if (!(await peers.delete(peerId))) throw peerNotFound(peerId);
    },
    status: async (peerId) => {
      const peer = await existing(peerId);
      const { state } = peer;
      const staleAfterMs = peer.syncIntervalMinutes * 2 * 60_000;
      const sinceLast = state.lastSuccessfulSync === null ? Number.POSITIVE_INFINITY : clock().getTime() - Date.parse(state.lastSuccessfulSync);
      return {
        peer_id: peer.peerId,
        is_healthy: state.consecutiveFailures === 0,
        last_successful_sync: state.lastSuccessfulSync,
        last_sync_attempt: state.lastAttempt,
        last_error: state.lastError,
        total_servers_synced: state.totalServersSynced,
        total_agents_synced: state.totalAgentsSynced,
        sync_in_progress: syncer.inProgress(peerId),
        consecutive_failures: state.consecutiveFailures,
        current_generation: state.generation,
        sync_stale: peer.syncIntervalMinutes > 0 && sinceLast > staleAfterMs,
      };
    },
  };
}

/** The stored settings of a new peer, its token encrypted by `encrypt`. */
export function peerSettingsOf(input: NewPeerInput, encrypt: (token: string) => string): PeerSettings {
  return {
    kind: input.kind,
    name: input.name,
    endpoint: input.endpoint,
    enabled: input.enabled,
    syncIntervalMinutes: input.sync_interval_minutes,
    filters: {
      syncMode: input.sync_mode,
      whitelistServers: input.whitelist_servers,
      whitelistAgents: input.whitelist_agents,
      tagFilters: input.tag_filters,
    },
    jwksUrl: input.jwks_url ?? null,
    tokenCiphertext: input.federation_token === undefined ? null : encrypt(input.federation_token),
    tls: tlsOf(input),
    routeViaGateway: input.route_via_gateway ?? null,
  };
}
