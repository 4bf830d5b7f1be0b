import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { peerNotFound } from '../errors/peer-errors.js';
import { RegistryError } from '../errors/registry-error.js';
import type { PeerRepository, StoredPeer } from '../store/peer-repository.js';
import { exportKeysFrom, type ExportKeys } from './export-signature.js';
import { fernetDecrypt, type FernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { NO_FEDERATION_METRICS, type FederationMetrics } from './federation-metrics.js';
import { planSync, type RejectedServer } from './plan-sync.js';
import { pullMcpRegistry } from './pull-mcp-registry.js';
import { PeerCursorUnknownError, PeerPullError } from './peer-pull-error.js';
import { pullPeerExport, type PulledChanges } from './pull-peer-export.js';

export interface SyncOutcome {
  peer_id: string;
  /** True when everything was pulled (first sync, or on demand), not only the changes. */
  full: boolean;
  generation: number;
  servers_synced: number;
  agents_synced: number;
  changed: string[];
  orphaned: string[];
  conflicts: string[];
  rejected: RejectedServer[];
}

export interface PeerSyncer {
  /** Syncs one peer; a sync already running for it is joined rather than started twice. */
  sync(peerId: string, options?: { full?: boolean }): Promise<SyncOutcome>;
  inProgress(peerId: string): boolean;
  /** Stops running syncs (nothing half-applied: a sync is applied in one transaction or not at all). */
  close(): Promise<void>;
}

export interface PeerSyncerOptions {
  peers: PeerRepository;
  encryptionKey: FernetKey | undefined;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  logger: Logger;
  clock?: () => Date;
  metrics?: FederationMetrics;
  fetch?: typeof fetch;
}

/** Pulls from peers and applies what changed, with retries, back-off and a time limit per attempt. */
export function createPeerSyncer(options: PeerSyncerOptions): PeerSyncer {
  const { peers, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const metrics = options.metrics ?? NO_FEDERATION_METRICS;
  const running = new Map<string, Promise<SyncOutcome>>();
  const keysByUrl = new Map<string, ExportKeys>();
  const shutdown = new AbortController();

  const keysOf = (peer: StoredPeer): ExportKeys | undefined => {
    if (peer.jwksUrl === null) return undefined;
    let keys = keysByUrl.get(peer.jwksUrl);
    if (keys === undefined) {
      keys = exportKeysFrom({ jwksUrl: peer.jwksUrl }, options.timeoutMs);
      keysByUrl.set(peer.jwksUrl, keys);
    }
    return keys;
  };

  const tokenOf = (peer: StoredPeer): string | undefined => {
    if (peer.tokenCiphertext === null) return undefined;
    if (options.encryptionKey === undefined) {
      throw new PeerPullError(`peer ${peer.peerId} has a stored token but FEDERATION_ENCRYPTION_KEY is not set; set the key it was stored with`, false);
    }
    try {
      return fernetDecrypt(options.encryptionKey, peer.tokenCiphertext);
    } catch (error) {
      throw new PeerPullError(`the stored token of peer ${peer.peerId} does not decrypt with FEDERATION_ENCRYPTION_KEY: ${(error as Error).message}`, false);
    }
  };

  const pullWithRetries = async (peer: StoredPeer, since: number): Promise<PulledChanges> => {
    const token = tokenOf(peer);
    const keys = keysOf(peer);
    const fetchOption = options.fetch ? { fetch: options.fetch } : {};
    for (let attempt = 0; ; attempt += 1) {
      const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), shutdown.signal]);
      try {
        if (peer.kind === 'mcp-registry') return await pullMcpRegistry({ endpoint: peer.endpoint, since, signal, ...fetchOption });
        return await pullPeerExport({ endpoint: peer.endpoint, token, since, keys, tls: peer.tls, signal, ...fetchOption });
      } catch (error) {
        const retryable = error instanceof PeerPullError && error.retryable;
        if (!retryable || attempt >= options.retries || shutdown.signal.aborted) throw error;
        const delay = options.backoffMs * 2 ** attempt;
        logger.warn({ peerId: peer.peerId, attempt: attempt + 1, delayMs: delay }, `sync of peer '${peer.peerId}' failed, retrying: ${(error as Error).message}`);
        await sleep(delay, shutdown.signal);
      }
    }
  };

  const run = async (peerId: string, full: boolean): Promise<SyncOutcome> => {
    const started = performance.now();
    const peer = await peers.get(peerId);
    if (peer === undefined) throw peerNotFound(peerId);
    let fromScratch = full || peer.state.cursor === 0;
    const attemptAt = clock().toISOString();
    try {
      const pulled = await pullWithRetries(peer, fromScratch ? 0 : peer.state.cursor).catch((error: unknown) => {
        if (!(error instanceof PeerCursorUnknownError)) throw error;
        logger.warn({ peerId }, `peer '${peerId}' does not know the sync cursor; pulling everything`);
        fromScratch = true;
        return pullWithRetries(peer, 0);
      });
      const plan = planSync(peerId, peer.filters, pulled, await peers.importedItems(peerId), fromScratch, peer.routeViaGateway);
      const syncedAt = clock().toISOString();
      const state = {
        ...peer.state,
        generation: peer.state.generation + 1,
        cursor: pulled.nextSince,
        lastSuccessfulSync: syncedAt,
        lastAttempt: attemptAt,
        lastError: null,
        consecutiveFailures: 0,
        totalAgentsSynced: 0,
      };
      const applied = await peers.applySync(peerId, { upserts: plan.upserts, orphans: plan.orphans, state, syncedAt });
      const stored = await peers.get(peerId);
      const outcome: SyncOutcome = {
        peer_id: peerId,
        full: fromScratch,
        generation: state.generation,
        servers_synced: stored?.state.totalServersSynced ?? 0,
        agents_synced: 0,
        changed: applied.changed,
        orphaned: plan.orphans.filter((path) => applied.changed.includes(path)),
        conflicts: applied.conflicts,
        rejected: plan.rejected,
      };
      for (const rejected of plan.rejected) logger.warn({ peerId, path: rejected.path }, `server ${rejected.path} of peer '${peerId}' not imported: ${rejected.reason}`);
      for (const path of applied.conflicts) logger.warn({ peerId, path }, `server ${path} of peer '${peerId}' not imported: a server that is not its copy holds that path`);
      metrics.syncFinished(peerId, 'success', (performance.now() - started) / 1000, 0, applied.changed.length);
      logger.info({ peerId, full: fromScratch, changed: applied.changed.length, generation: state.generation }, `sync of peer '${peerId}' done`);
      return outcome;
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      const message = (error as Error).message;
      await peers.recordFailure(peerId, message, attemptAt);
      const failures = (await peers.get(peerId))?.state.consecutiveFailures ?? 0;
      metrics.syncFinished(peerId, 'failure', (performance.now() - started) / 1000, failures);
      logger.warn({ peerId, consecutiveFailures: failures }, `sync of peer '${peerId}' failed: ${message}`);
      throw new RegistryError('REGISTRY_PEER_SYNC_FAILED', 502, `sync of peer ${peerId} failed, nothing was changed: ${message}`, { cause: error });
    }
  };

  return {
    sync: (peerId, syncOptions = {}) => {
      const current = running.get(peerId);
      if (current !== undefined) return current;
      const job = run(peerId, syncOptions.full === true).finally(() => running.delete(peerId));
      running.set(peerId, job);
      return job;
    },
    inProgress: (peerId) => running.has(peerId),
    close: async () => {
      shutdown.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
