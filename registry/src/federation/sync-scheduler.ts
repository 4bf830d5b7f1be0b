import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { PeerRepository, StoredPeer } from '../store/peer-repository.js';
import type { PeerSyncer } from './sync-peer.js';

export interface SyncScheduler {
  /** Looks once for peers due a sync and syncs them; resolves when those syncs end. */
  tick(): Promise<void>;
  /** Checks every interval from now on. */
  start(): void;
  /** Stops checking and waits for a check in progress. */
  stop(): Promise<void>;
}

export interface SyncSchedulerOptions {
  peers: PeerRepository;
  syncer: PeerSyncer;
  logger: Logger;
  intervalMs: number;
  clock?: () => Date;
}

/**
 * Whether a peer is due: enabled, with an interval, not syncing, and its interval passed since its
 * last successful sync. A failing peer is tried again after 1, 2, 4, … minutes (never longer than
 * its interval) rather than at every check.
 */
export function isDue(peer: StoredPeer, now: Date, syncing: boolean): boolean {
  if (!peer.enabled || peer.syncIntervalMinutes === 0 || syncing) return false;
  const { lastSuccessfulSync, lastAttempt, consecutiveFailures } = peer.state;
  if (consecutiveFailures > 0 && lastAttempt !== null) {
    const waitMinutes = Math.min(2 ** Math.min(consecutiveFailures - 1, 20), peer.syncIntervalMinutes);
    if (now.getTime() - Date.parse(lastAttempt) < waitMinutes * 60_000) return false;
  }
  if (lastSuccessfulSync === null) return true;
  return now.getTime() - Date.parse(lastSuccessfulSync) >= peer.syncIntervalMinutes * 60_000;
}

/** The background scheduler of peer syncs (every 60 s by default). */
export function createSyncScheduler({ peers, syncer, logger, intervalMs, clock = () => new Date() }: SyncSchedulerOptions): SyncScheduler {
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;

  const syncOne = async (peer: StoredPeer): Promise<void> => {
    logger.info({ peerId: peer.peerId }, `Scheduled sync triggered for peer '${peer.peerId}' (interval: ${peer.syncIntervalMinutes}m)`);
    try {
      const outcome = await syncer.sync(peer.peerId);
      logger.info(
        { peerId: peer.peerId, servers: outcome.servers_synced, agents: outcome.agents_synced },
        `Scheduled sync completed for peer '${peer.peerId}': ${outcome.servers_synced} servers, ${outcome.agents_synced} agents`,
      );
    } catch (error) {
      logger.warn({ peerId: peer.peerId }, `Scheduled sync failed for peer '${peer.peerId}': ${(error as Error).message}`);
    }
  };

  const tick = async (): Promise<void> => {
    const now = clock();
    let due: StoredPeer[];
    try {
      due = (await peers.list()).filter((peer) => isDue(peer, now, syncer.inProgress(peer.peerId)));
    } catch (error) {
      logger.error({ err: error }, 'federation scheduler could not read the peers');
      return;
    }
    await Promise.all(due.map(syncOne));
  };

  return {
    tick,
    start: () => {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        if (checking !== undefined) return;
        checking = tick().finally(() => (checking = undefined));
      }, intervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      await checking;
    },
  };
}
