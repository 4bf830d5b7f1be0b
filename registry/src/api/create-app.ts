import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { attestationKey } from '@mcpgw/lib/check/identity-attestation.js';
import type { SigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { RegistryError } from '../errors/registry-error.js';
import type { EventBus } from '../events/event-bus.js';
import { EVENTS_API_PATH, eventsRouter } from '../events/events-router.js';
import type { HealthService } from '../health/health-service.js';
import { serverHealthRouter } from '../health/server-health-router.js';
import { sendError } from '../errors/send-error.js';
import type { McpRegistrySettings } from '../services/mcp-registry/mcp-registry-settings.js';
import type { ScopesService } from '../services/scopes/scopes-service.js';
import type { ServerService } from '../services/server-service.js';
import type { AgentService } from '../services/agents/agent-service.js';
import type { RatingService } from '../ratings/rating-service.js';
import type { SearchService } from '../search/search-service.js';
import { registryMcpRouter } from '../mcp-server/registry-mcp-router.js';
import { AGENTS_API_PATH, agentsRouter } from './agents-router.js';
import { publicRouter } from './public-router.js';
import { ratingsRouter } from './ratings-router.js';
import { searchRouter } from './search-router.js';
import { registryV0Router } from './registry-v0-router.js';
import type { NginxDataPlaneSettings } from '../nginx/nginx-data-plane-settings.js';
import { NGINX_API_PATH, nginxRouter } from './nginx-router.js';
import { loggerOf, requestContext } from './request-context.js';
import { routesFeedRouter } from './routes-feed-router.js';
import { SCOPES_API_PATH, scopesRouter } from './scopes-router.js';
import { IDP_API_PATH, idpAdminRouter } from './idp-admin-router.js';
import { VIRTUAL_SERVERS_API_PATH, virtualServersRouter } from './virtual-servers-router.js';
import type { VirtualServerService } from '../services/virtual-servers/virtual-server-service.js';
import type { IdpAdminService } from '../idp/idp-admin-service.js';
import { SERVERS_API_PATH, serversRouter } from './servers-router.js';
import { ME_API_PATH, meRouter } from './me-router.js';
import { uiRouter } from '../ui/ui-router.js';
import { loginRouter, type LoginRouterDependencies } from '../login/login-router.js';
import { sessionContext } from '../login/session-caller.js';
import { TOKENS_API_PATH, tokensRouter, type TokensRouterDependencies } from '../tokens/tokens-router.js';
import type { RegistryTelemetry } from '../telemetry/registry-telemetry.js';
import { telemetryRouter } from '../telemetry/telemetry-router.js';
import type { RegistryAnalytics } from '../analytics/create-registry-analytics.js';

export interface RegistryAppDependencies extends LoginRouterDependencies, TokensRouterDependencies {
  servers: ServerService;
  scopesEditor: ScopesService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  internalToken: string;
  /** What GET /api/nginx/dataplane renders for. */
  nginxDataPlane: NginxDataPlaneSettings;
  publicJwk: SigningKey['publicJwk'];
  logger: Logger;
  /** Namespace and gateway URL of the MCP Registry API and discovery documents. */
  mcpRegistrySettings: McpRegistrySettings;
  /** People, groups and agent accounts in the identity provider; undefined when not configured. */
  idpAdmin?: IdpAdminService | undefined;
  virtualServers: VirtualServerService;
  /** Metrics (GET /metrics) and request spans. */
  telemetry: RegistryTelemetry;
  /** Usage ingest and analytics, the audit log and its API. */
  analytics: RegistryAnalytics;
  /** Health checks, discovery and scans of servers (/api/servers/{path}/refresh, …). */
  health: HealthService;
  /** Paths the route feed leaves out (health withdrawal, blocked scans). */
  withheldRoutes: () => Promise<ReadonlySet<string>>;
  /** The registry's changes, streamed at /api/events. */
  events: EventBus;
  eventsKeepAliveMs?: number;
  agents: AgentService;
  ratings: RatingService;
  search: SearchService;
  /** The federation export API and Peers API (registry/src/federation). */
  federation?: Router;
}

/** The registry's HTTP application: public endpoints, the route feed, the servers API, one error handler. */
export function createApp(dependencies: RegistryAppDependencies): Express {
  const { logger } = dependencies;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));
  app.use((_request, response, next) => {
    // Every answer is what its Content-Type says: a browser never sniffs an API answer into a page.
    response.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(telemetryRouter(dependencies.telemetry));
  app.use(sessionContext(dependencies.sessions));
  app.use(loginRouter(dependencies));
  app.use(TOKENS_API_PATH, tokensRouter(dependencies));
  app.use(publicRouter(dependencies));
  app.use(routesFeedRouter(dependencies));
  app.use(dependencies.analytics.router);
  app.use(SERVERS_API_PATH, serverHealthRouter(dependencies));
  app.use(ratingsRouter(dependencies));
  app.use(searchRouter({ ...dependencies, recordDiscovery: dependencies.analytics.recordDiscovery }));
  app.use(registryMcpRouter({ ...dependencies, attestation: attestationKey(dependencies.internalToken), gatewayUrl: dependencies.mcpRegistrySettings.gatewayUrl }));
  app.use(AGENTS_API_PATH, agentsRouter(dependencies));
  app.use(SERVERS_API_PATH, serversRouter(dependencies));
  app.use(EVENTS_API_PATH, eventsRouter(dependencies));
  app.use(SCOPES_API_PATH, scopesRouter(dependencies));
  app.use(VIRTUAL_SERVERS_API_PATH, virtualServersRouter(dependencies));
  app.use(IDP_API_PATH, idpAdminRouter({ ...dependencies, idpAdmin: dependencies.idpAdmin }));
  app.use(registryV0Router(dependencies));
  if (dependencies.federation) app.use(dependencies.federation);
  app.use(NGINX_API_PATH, nginxRouter(dependencies));
  app.use(ME_API_PATH, meRouter(dependencies));
  app.use(uiRouter({ gatewayUrl: dependencies.mcpRegistrySettings.gatewayUrl }));
  app.use((request: Request) => {
    throw new RegistryError('REGISTRY_NOT_FOUND', 404, `nothing at ${request.method} ${request.path}; the API is under ${SERVERS_API_PATH}`);
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    sendError(response, error, loggerOf(response, logger));
  });
  return app;
}
