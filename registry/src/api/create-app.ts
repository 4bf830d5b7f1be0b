import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { SigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { RegistryError } from '../errors/registry-error.js';
import { sendError } from '../errors/send-error.js';
import type { McpRegistrySettings } from '../services/mcp-registry/mcp-registry-settings.js';
import type { ScopesService } from '../services/scopes/scopes-service.js';
import type { ServerService } from '../services/server-service.js';
import { publicRouter } from './public-router.js';
import { registryV0Router } from './registry-v0-router.js';
import { loggerOf, requestContext } from './request-context.js';
import { routesFeedRouter } from './routes-feed-router.js';
import { SCOPES_API_PATH, scopesRouter } from './scopes-router.js';
import { SERVERS_API_PATH, serversRouter } from './servers-router.js';
import { ME_API_PATH, meRouter } from './me-router.js';
import { uiRouter } from '../ui/ui-router.js';
import { loginRouter, type LoginRouterDependencies } from '../login/login-router.js';
import { sessionContext } from '../login/session-caller.js';
import { TOKENS_API_PATH, tokensRouter, type TokensRouterDependencies } from '../tokens/tokens-router.js';

export interface RegistryAppDependencies extends LoginRouterDependencies, TokensRouterDependencies {
  servers: ServerService;
  scopesEditor: ScopesService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  internalToken: string;
  publicJwk: SigningKey['publicJwk'];
  logger: Logger;
  /** Namespace and gateway URL of the MCP Registry API and discovery documents. */
  mcpRegistrySettings: McpRegistrySettings;
}

/** The registry's HTTP application: public endpoints, the route feed, the servers API, one error handler. */
export function createApp(dependencies: RegistryAppDependencies): Express {
  const { logger } = dependencies;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));
  app.use(sessionContext(dependencies.sessions));
  app.use(loginRouter(dependencies));
  app.use(TOKENS_API_PATH, tokensRouter(dependencies));
  app.use(publicRouter(dependencies));
  app.use(routesFeedRouter(dependencies));
  app.use(SERVERS_API_PATH, serversRouter(dependencies));
  app.use(SCOPES_API_PATH, scopesRouter(dependencies));
  app.use(registryV0Router(dependencies));
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
