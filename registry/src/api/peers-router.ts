import { Router, type Request } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { UiAction } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import { RegistryError } from '../errors/registry-error.js';
import { newPeerSchema, parsePeerBody, peerUpdateSchema } from '../federation/peer-format.js';
import type { PeerService } from '../federation/peer-service.js';
import { syncMany } from '../federation/sync-many.js';
import type { PeerSyncer } from '../federation/sync-peer.js';
import type { PeerRepository } from '../store/peer-repository.js';
import { jsonBody } from './json-body.js';

export const PEERS_API_PATH = '/api/peers';

export interface PeersRouterDependencies {
  peerService: PeerService;
  peers: PeerRepository;
  syncer: PeerSyncer;
  verifier: TokenVerifier;
  scopes: ScopesSource;
}

/**
 * /api/peers: the registries this one imports from. Reading needs list_service on all servers;
 * changing peers or syncing (which writes servers under /{peer_id}/) needs register_service and
 * delete_service on all. The federation token is write-only: answers only say whether one is set.
 */
export function peersRouter({ peerService, peers, syncer, verifier, scopes }: PeersRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes), jsonBody());
  const mayRead = (caller: Caller) => requireOnAll(caller, ['list_service']);
  const mayManage = (caller: Caller) => requireOnAll(caller, ['register_service', 'delete_service']);

  router.get('/', async (_request, response) => {
    mayRead(callerOf(response));
    response.json({ peers: await peerService.list() });
  });
  router.post('/', async (request, response) => {
    mayManage(callerOf(response));
    response.status(201).json(await peerService.create(parsePeerBody(newPeerSchema, request.body)));
  });
  router.post('/sync', async (request, response) => {
    mayManage(callerOf(response));
    response.json({ results: await syncMany(peers, syncer, { full: wantsFull(request) }) });
  });
  router.get('/:peerId', async (request, response) => {
    mayRead(callerOf(response));
    response.json(await peerService.get(peerIdOf(request)));
  });
  router.put('/:peerId', async (request, response) => {
    mayManage(callerOf(response));
    response.json(await peerService.update(peerIdOf(request), parsePeerBody(peerUpdateSchema, request.body)));
  });
  router.delete('/:peerId', async (request, response) => {
    mayManage(callerOf(response));
    await peerService.remove(peerIdOf(request));
    response.status(204).end();
  });
  router.post('/:peerId/sync', async (request, response) => {
    mayManage(callerOf(response));
    const peerId = peerIdOf(request);
    await peerService.get(peerId);
    response.json(await syncer.sync(peerId, { full: wantsFull(request) }));
  });
  router.post('/:peerId/enable', async (request, response) => {
    mayManage(callerOf(response));
    response.json(await peerService.setEnabled(peerIdOf(request), true));
  });
  router.post('/:peerId/disable', async (request, response) => {
    mayManage(callerOf(response));
    response.json(await peerService.setEnabled(peerIdOf(request), false));
  });
  router.get('/:peerId/status', async (request, response) => {
    mayRead(callerOf(response));
    response.json(await peerService.status(peerIdOf(request)));
  });
  router.get('/:peerId/items', async (request, response) => {
    mayRead(callerOf(response));
    const peerId = peerIdOf(request);
    await peerService.get(peerId);
    const items = await peers.importedItems(peerId);
    response.json({
      items: items.map((item) => ({
        path: item.path,
        remote_path: item.remotePath,
        remote_revision: item.remoteRevision,
        synced_at: item.syncedAt,
        orphaned: item.orphaned,
      })),
    });
  });
  return router;
}

export function requireOnAll(caller: Caller, actions: readonly UiAction[]): void {
  for (const action of actions) {
    if (caller.scopes.some((scope) => caller.policy.uiGrants.get(scope)?.get(action)?.all === true)) continue;
    throw new RegistryError('REGISTRY_FORBIDDEN', 403, `managing federation peers needs ${actions.join(' and ')}: [all] in the UI-Scopes of scopes.yml; ask an administrator`);
  }
}

function peerIdOf(request: Request): string {
  return String((request.params as Record<string, unknown>).peerId ?? '');
}

/** `?full=true`, or `{"full": true}` in the body: pull everything, not only what changed. */
export function wantsFull(request: Request): boolean {
  const body = request.body as { full?: unknown } | undefined;
  return request.query.full === 'true' || body?.full === true;
}
