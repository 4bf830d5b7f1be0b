import { Router } from 'express';
import { linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { RegistryError } from '../errors/registry-error.js';
import { NJS_REQUEST_BODY_SCRIPT } from '../nginx/njs-request-body.js';
import { dataPlaneHopSecret, type NginxDataPlaneSettings } from '../nginx/nginx-data-plane-settings.js';
import { renderNginxDataPlane } from '../nginx/render-nginx-data-plane.js';
import type { ServerService } from '../services/server-service.js';

export const NGINX_API_PATH = '/api/nginx';

export interface NginxRouterDependencies {
  servers: ServerService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  internalToken: string;
  /** The data plane's settings: the registry's own (NGINX_DATAPLANE_FILE) or the defaults. */
  nginxDataPlane: NginxDataPlaneSettings;
}

/**
 * GET /api/nginx/dataplane: the nginx data plane rendered for the servers registered now, with the
 * njs module it imports, for operators who install it by hand. It names every upstream and holds the
 * hop secret, so only a caller granted modify_service on `all` may read it.
 */
export function nginxRouter({ servers, verifier, scopes, internalToken, nginxDataPlane }: NginxRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes));
  router.get('/dataplane', async (_request, response) => {
    const caller = callerOf(response);
    if (!caller.scopes.some((scope) => caller.policy.uiGrants.get(scope)?.get('modify_service')?.all === true)) {
      throw new RegistryError(
        'REGISTRY_FORBIDDEN',
        403,
        'the nginx data plane names every upstream and holds its hop secret: it needs modify_service: [all] in the UI-Scopes of scopes.yml',
      );
    }
    const rendered = renderNginxDataPlane(await servers.routeTable(), nginxDataPlane, {
      allowLinkLocal: linkLocalUpstreamsAllowed(),
      hopSecret: dataPlaneHopSecret(internalToken),
    });
    response.json({
      version: rendered.version,
      config_file: nginxDataPlane.configFile,
      config: rendered.config,
      script_file: nginxDataPlane.scriptFile,
      script: NJS_REQUEST_BODY_SCRIPT,
      skipped: rendered.skipped,
    });
  });
  return router;
}
