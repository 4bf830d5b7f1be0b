import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import { dataPlaneHopSecret, nginxDataPlaneEnabled, nginxDataPlaneSettingsFromEnv, type NginxDataPlaneSettings } from './nginx/nginx-data-plane-settings.js';
import { syncNginxDataPlane } from './nginx/sync-nginx-data-plane.js';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { loadOrCreateSigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv, type TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';
import { createIdentityVerifier } from '@mcpgw/lib/providers/create-identity-verifier.js';
import { identitySettingsFromEnv, type IdentitySettings } from '@mcpgw/lib/providers/identity-settings.js';
import { keycloakAdminSettingsIfConfigured, type KeycloakAdminSettings } from '@mcpgw/lib/keycloak/keycloak-admin-settings.js';
import { createApp } from './api/create-app.js';
import { createIdpAdminService } from './idp/idp-admin-service.js';
import { createCallerVerifier } from './auth/create-caller-verifier.js';
import { registryApiKeysFromEnv, type RegistryApiKeys } from './auth/registry-api-keys.js';
import { checkMcpRegistrySettings, mcpRegistrySettingsFromEnv, type McpRegistrySettings } from './services/mcp-registry/mcp-registry-settings.js';
import { createRatingService } from './ratings/rating-service.js';
import { createEmbeddingsClient } from './search/embeddings-client.js';
import { createSearchService } from './search/search-service.js';
import { searchSettingsFromEnv, type SearchSettings } from './search/search-settings.js';
import { loadAgentCardValidators } from './services/agents/agent-card-schemas.js';
import { heartbeatSettingsFromEnv, type HeartbeatSettings } from './services/agents/agent-health.js';
import { createAgentService } from './services/agents/agent-service.js';
import { startFederation, type FederationOptions } from './start-federation.js';
import { recordFederation } from './telemetry/record-federation.js';
import { createScopesService } from './services/scopes/scopes-service.js';
import { createServerService } from './services/server-service.js';
import { createVirtualServerService } from './services/virtual-servers/virtual-server-service.js';
import { EventBus } from './events/event-bus.js';
import { withScopesEvents, withServerEvents } from './events/publish-changes.js';
import { startHealth, type HealthOptions } from './health/start-health.js';
import { openRegistryStore } from './store/open-registry-store.js';
import { loginSettingsFromEnv, type LoginSettings } from './login/login-settings.js';
import { createOidcLoginClients } from './login/oidc-login-clients.js';
import { createSessionManager } from './login/session-manager.js';
import { loadCredentialsKey } from './credentials/credentials-key.js';
import { createUpstreamCredentials } from './credentials/upstream-credentials.js';
import { tokenVendingSettingsFromEnv, type TokenVendingSettings } from './tokens/token-vending-settings.js';
import type { PostgresOptions } from './store/postgres/open-postgres-pool.js';
import { createRegistryTelemetry } from './telemetry/registry-telemetry.js';
import { createRegistryAnalytics, type AnalyticsSettings } from './analytics/create-registry-analytics.js';
import type { TracingSettings } from '@mcpgw/lib/telemetry/tracing-settings.js';

export interface RegistryOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Holds registry.db, the signing key and the internal token; created when missing. */
  dataDir: string;
  /** PostgreSQL instead of DATA_DIR/registry.db (DATABASE_URL). */
  database?: PostgresOptions;
  scopesFile: string;
  logger?: Logger;
  /** Issuer and audience of accepted tokens; default from TOKEN_ISSUER / TOKEN_AUDIENCE. */
  tokenSettings?: TokenSettings;
  /** The secret of GET /internal/routes; default INTERNAL_API_TOKEN, else DATA_DIR/internal-token. */
  internalToken?: string;
  /** The nginx data plane to keep in step with the servers; default from NGINX_DATAPLANE_FILE (off when unset). */
  nginxDataPlane?: { settings: NginxDataPlaneSettings; sync: boolean };
  /** Identity providers whose tokens the API accepts too; default from the environment. */
  identity?: IdentitySettings;
  /** Static API keys for machines; default from REGISTRY_API_TOKEN / REGISTRY_API_KEYS. */
  apiKeys?: RegistryApiKeys;
  /** Namespace of MCP Registry names and the gateway's public URL; default from MCP_REGISTRY_NAMESPACE / GATEWAY_PUBLIC_URL. */
  mcpRegistry?: McpRegistrySettings;
  /** Keycloak's admin API for /api/idp; default from KEYCLOAK_URL and the admin credentials, null for none. */
  keycloakAdmin?: KeycloakAdminSettings | null;
  /** Web login and sessions; default from SESSION_* / ADMIN_* / TRUSTED_PROXIES / REGISTRY_PUBLIC_URL. */
  login?: LoginSettings;
  /** Seals upstream credentials; default CREDENTIALS_ENCRYPTION_KEY, else DATA_DIR/credentials-key. */
  credentialsKey?: Buffer;
  /** POST /api/tokens lifetimes and rate; default from TOKEN_VENDING_*. */
  tokenVending?: TokenVendingSettings;
  /** Where spans go over OTLP/HTTP; undefined makes none. */
  tracing?: TracingSettings;
  /** Usage analytics retention; default METRICS_RETENTION_DAYS from main.ts, else 90 days. */
  analytics?: AnalyticsSettings;
  /** Health checks, discovery and security scans; default from the environment. */
  health?: HealthOptions;
  /** Keep-alive comments on /api/events; default 15 s. */
  eventsKeepAliveMs?: number;
  /** How often agents heartbeat and how many beats they may miss; default from AGENT_HEARTBEAT_INTERVAL_SECONDS / AGENT_HEARTBEAT_MISSED_LIMIT. */
  agentHeartbeat?: HeartbeatSettings;
  /** Search weights and the embeddings endpoint; default from SEARCH_* and EMBEDDINGS_* variables. */
  search?: SearchSettings;
  /** Federation settings, clock and scheduling; default from the environment (FEDERATION_*). */
  federation?: FederationOptions;
}

export type RunningRegistry = RunningServer;

/** Starts the registry: the servers and scopes APIs, the gateways' route feed, health and JWKS. */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const logger = options.logger ?? createLogger('registry');
  mkdirSync(options.dataDir, { recursive: true });
  const nginx = options.nginxDataPlane ?? { settings: nginxDataPlaneSettingsFromEnv(), sync: nginxDataPlaneEnabled() };
  const scopes = new ScopesSource(options.scopesFile, logger);
  const store = await openRegistryStore({ dataDir: options.dataDir, ...(options.database ? { database: options.database } : {}) }).catch((error: unknown) => {
    scopes.close();
    throw error;
  });
  const telemetry = createRegistryTelemetry(options.tracing);
  const cleanups: Array<() => void> = [];
  let stopHealth = async (): Promise<void> => undefined;
  let stopFederation = async (): Promise<void> => undefined;
  const release = async (): Promise<void> => {
    await stopFederation();
    await stopHealth();
    for (const cleanup of cleanups) cleanup();
    scopes.close();
    await store.close();
    await telemetry.close();
  };
  try {
    const identity = options.identity ?? identitySettingsFromEnv();
    const verifier = createCallerVerifier(
      await createIdentityVerifier(options.dataDir, options.tokenSettings ?? tokenSettingsFromEnv(), identity),
      options.apiKeys ?? registryApiKeysFromEnv(),
    );
    const signingKey = await loadOrCreateSigningKey(options.dataDir);
    const tokenSettings = options.tokenSettings ?? tokenSettingsFromEnv();
    const loginSettings = options.login ?? loginSettingsFromEnv(options.dataDir);
    const internalToken = options.internalToken ?? loadInternalToken(options.dataDir);
    const mcpRegistrySettings = options.mcpRegistry ? checkMcpRegistrySettings(options.mcpRegistry) : mcpRegistrySettingsFromEnv();
    const upstreamCredentials = createUpstreamCredentials(options.credentialsKey ?? loadCredentialsKey(options.dataDir));
    const events = new EventBus();
    const servers = withServerEvents(
      createServerService(store.servers, upstreamCredentials, (path) =>
        logger.error({ path }, 'the upstream credential of this server does not open with the credentials key; routed without it; set it again'),
      ),
      events,
    );
    const scopesEditor = withScopesEvents(createScopesService(store.scopesHistory, scopes), events);
    const keycloakAdmin = options.keycloakAdmin === undefined ? keycloakAdminSettingsIfConfigured() : (options.keycloakAdmin ?? undefined);
    const analytics = createRegistryAnalytics({
      store, servers, verifier, scopes, internalToken, logger, metrics: telemetry.metrics,
      ...(options.analytics ? { settings: options.analytics } : {}),
    });
    cleanups.push(() => analytics.close());
    const discoveryMetrics = telemetry.discovery;
    const health = startHealth(store, events, logger, {
      ...options.health,
      upstreamHeaders: options.health?.upstreamHeaders ?? (async (server) => (server.upstreamAuth ? (upstreamCredentials.headersOf(server.path, server.upstreamAuth) ?? {}) : {})),
      observers: {
        onHealthCheck: ({ path, outcome }) => {
          const healthy = outcome.status === 'healthy';
          discoveryMetrics.healthChecks.labels(path, healthy ? 'healthy' : 'unhealthy').inc();
          discoveryMetrics.serverHealthy.labels(path).set(healthy ? 1 : 0);
        },
        onDiscovery: ({ path }) => discoveryMetrics.toolDiscoveries.labels(path, 'success').inc(),
        ...options.health?.observers,
      },
    });
    stopHealth = health.stop;
    const searchSettings = options.search ?? searchSettingsFromEnv();
    const federation = await startFederation({ peers: store.peers, agents: store.agents, verifier, scopes, signingKey, logger }, { metrics: recordFederation(telemetry.federation), ...options.federation });
    stopFederation = federation.close;
    const app = createApp({
      servers,
      virtualServers: createVirtualServerService(store.virtualServers),
      scopesEditor,
      idpAdmin: keycloakAdmin && createIdpAdminService(keycloakAdmin, scopesEditor),
      health: health.service,
      withheldRoutes: () => health.service.withheldPaths(),
      events,
      ...(options.eventsKeepAliveMs === undefined ? {} : { eventsKeepAliveMs: options.eventsKeepAliveMs }),
      verifier,
      scopes,
      internalToken,
      nginxDataPlane: nginx.settings,
      publicJwk: signingKey.publicJwk,
      logger,
      mcpRegistrySettings,
      sessions: createSessionManager(store.sessions, loginSettings),
      loginClients: createOidcLoginClients(identity.providers),
      loginSettings,
      signingKey,
      tokenSettings,
      tokenVending: options.tokenVending ?? tokenVendingSettingsFromEnv(),
      telemetry,
      analytics,
      agents: createAgentService({
        agents: store.agents,
        ratings: store.ratings,
        validators: loadAgentCardValidators(),
        heartbeat: options.agentHeartbeat ?? heartbeatSettingsFromEnv(),
      }),
      ratings: createRatingService(store.ratings),
      search: createSearchService(searchSettings, searchSettings.embeddings && createEmbeddingsClient(searchSettings.embeddings), logger),
      federation: federation.router,
    });
    scopes.watch();
    const running = await listen(createServer(app), options.port, options.host);
    const nginxSync = nginx.sync ? syncNginxDataPlane({
      servers: createServerService(store.servers),
      settings: nginx.settings,
      logger,
      render: { allowLinkLocal: linkLocalUpstreamsAllowed(), hopSecret: dataPlaneHopSecret(internalToken) },
    }) : undefined;
    return {
      ...running,
      close: async () => {
        events.close();
        await nginxSync?.stop();
        await running.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
