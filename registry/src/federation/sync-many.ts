import { RegistryError } from '../errors/registry-error.js';
import type { PeerKind, PeerRepository } from '../store/peer-repository.js';
import type { PeerSyncer, SyncOutcome } from './sync-peer.js';

export type SyncManyResult = (SyncOutcome & { ok: true }) | { peer_id: string; ok: false; error: { code: string; message: string } };

/** Syncs every enabled peer (of one kind, when given) side by side; one peer's failure is reported, not thrown. */
export async function syncMany(peers: PeerRepository, syncer: PeerSyncer, options: { full: boolean; kind?: PeerKind }): Promise<SyncManyResult[]> {
  const chosen = (await peers.list()).filter((peer) => peer.enabled && (options.kind === undefined || peer.kind === options.kind));
  return Promise.all(
    chosen.map(async (peer): Promise<SyncManyResult> => {
      try {
        return { ...(await syncer.sync(peer.peerId, { full: options.full })), ok: true };
      } catch (error) {
        const code = error instanceof RegistryError ? error.code : 'REGISTRY_INTERNAL';
        return { peer_id: peer.peerId, ok: false, error: { code, message: (error as Error).message } };
      }
    }),
  );
}
