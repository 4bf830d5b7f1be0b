import { Router } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { RegistryError } from '../errors/registry-error.js';
import { syncMany } from '../federation/sync-many.js';
import type { PeerSyncer } from '../federation/sync-peer.js';
import type { PeerRepository } from '../store/peer-repository.js';
import { requireOnAll, wantsFull } from './peers-router.js';

const SOURCES = ['anthropic', 'peers', 'agents'] as const;

/**
 * POST /api/federation/sync?source=anthropic|peers|agents: syncs the MCP Registry sources (peers of
 * kind mcp-registry), the peer registries, or agent sources; administrators only, like the Peers API.
 */
export function federationSyncRouter({ peers, syncer, verifier, scopes }: { peers: PeerRepository; syncer: PeerSyncer; verifier: TokenVerifier; scopes: ScopesSource }): Router {
  const router = Router();
  router.post('/sync', authenticateCaller(verifier, scopes), async (request, response) => {
    requireOnAll(callerOf(response), ['register_service', 'delete_service']);
    const source = request.query.source;
    if (typeof source !== 'string' || !(SOURCES as readonly string[]).includes(source)) {
      throw new RegistryError('REGISTRY_INVALID_QUERY', 400, `source must be one of ${SOURCES.join(', ')}`);
    }
    if (source === 'agents') {
      throw new RegistryError('REGISTRY_NOT_IMPLEMENTED', 501, 'this registry keeps no agents yet, so there is nothing to import agents into');
    }
    const kind = source === 'anthropic' ? 'mcp-registry' : 'registry';
    response.json({ source, results: await syncMany(peers, syncer, { full: wantsFull(request), kind }) });
  });
  return router;
}
