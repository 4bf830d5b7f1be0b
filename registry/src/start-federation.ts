import { Router as createRouter, type Router } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { SigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { FEDERATION_API_PATHS, federationRouter } from './api/federation-router.js';
import { federationSyncRouter } from './api/federation-sync-router.js';
import { PEERS_API_PATH, peersRouter } from './api/peers-router.js';
import type { PeerRepository } from './store/peer-repository.js';
import type { AgentRepository } from './store/agent-repository.js';
import { applyConfiguredPeers, readConfiguredPeers } from './federation/configured-peers.js';
import { createExportTokenVerifier } from './federation/export-token-verifier.js';
import type { FederationMetrics } from './federation/federation-metrics.js';
import { federationSettingsFromEnv, type FederationSettings } from './federation/federation-settings.js';
import { createPeerService } from './federation/peer-service.js';
import { createPeerSyncer, type PeerSyncer } from './federation/sync-peer.js';
import { createSyncScheduler, type SyncScheduler } from './federation/sync-scheduler.js';

/** What a registry (or a test) may set about federation; everything else comes from the environment. */
export interface FederationOptions {
  settings?: FederationSettings;
  /** The scheduler's and the sync state's clock; tests move it by hand. */
  clock?: () => Date;
  /** false: no background checks (a test calls scheduler.tick()). */
  schedule?: boolean;
  metrics?: FederationMetrics;
  /** Hands the running federation to a test, to drive its scheduler and syncer. */
  onStarted?: (federation: RunningFederation) => void;
}

export interface RunningFederation {
  /** The export API and the Peers API, to mount on the app. */
  router: Router;
  syncer: PeerSyncer;
  scheduler: SyncScheduler;
  close(): Promise<void>;
}

export interface FederationDependencies {
  peers: PeerRepository;
  agents: AgentRepository;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  signingKey: SigningKey;
  logger: Logger;
}

/** Federation for one registry: settings, configured peers stored, routers built, the scheduler started. */
export async function startFederation(dependencies: FederationDependencies, options: FederationOptions = {}): Promise<RunningFederation> {
  const { peers, agents, verifier, scopes, signingKey } = dependencies;
  const logger = dependencies.logger.child({ component: 'federation' });
  const settings = options.settings ?? federationSettingsFromEnv();
  const clock = options.clock ?? (() => new Date());
  await applyConfiguredPeers(peers, readConfiguredPeers(settings.configFile), settings.encryptionKey, logger);

  const syncer = createPeerSyncer({
    peers,
    encryptionKey: settings.encryptionKey,
    timeoutMs: settings.syncTimeoutMs,
    retries: settings.retries,
    backoffMs: settings.backoffMs,
    logger,
    clock,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const scheduler = createSyncScheduler({ peers, syncer, logger, intervalMs: settings.checkIntervalMs, clock });
  const exportVerifier = createExportTokenVerifier(settings.tokens, verifier, clock);
  const exportEnabled = settings.tokens.current !== undefined;

  const router = createRouter();
  for (const path of FEDERATION_API_PATHS) {
    router.use(path, federationSyncRouter({ peers, syncer, verifier, scopes }));
    router.use(path, federationRouter({ peers, agents, exportVerifier, scopes, signingKey, exportEnabled }));
  }
  router.use(PEERS_API_PATH, peersRouter({ peerService: createPeerService(peers, settings.encryptionKey, syncer, clock), peers, syncer, verifier, scopes }));

  if (options.schedule !== false) scheduler.start();
  const running: RunningFederation = {
    router,
    syncer,
    scheduler,
    close: async () => {
      await scheduler.stop();
      await syncer.close();
    },
  };
  options.onStarted?.(running);
  return running;
}
