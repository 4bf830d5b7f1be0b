import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ServerService } from '../services/server-service.js';
import { applyNginxConfig } from './apply-nginx-config.js';
import type { NginxDataPlaneSettings } from './nginx-data-plane-settings.js';
import { renderNginxDataPlane } from './render-nginx-data-plane.js';

/** How often the routes version is compared with the one nginx serves; every replica's change shows up. */
export const NGINX_SYNC_INTERVAL_MS = 1000;

export interface NginxDataPlaneSync {
  /** Renders and applies now if the routes changed since the last attempt; resolves when done. */
  syncNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps the nginx data plane in step with the registered servers: at start and whenever the routes
 * version changes, renders, writes, checks and reloads. A version nginx refused is not retried until
 * the servers change again; the error is logged with nginx's words. A failed reload is retried.
 */
export function syncNginxDataPlane(options: {
  servers: ServerService;
  settings: NginxDataPlaneSettings;
  logger: Logger;
  render: { allowLinkLocal: boolean; hopSecret: string };
  intervalMs?: number;
}): NginxDataPlaneSync {
  const { servers, settings, logger } = options;
  let attempted: string | undefined;
  let running: Promise<void> | undefined;
  let lastFailure: string | undefined;
  const once = async (): Promise<void> => {
    const version = await servers.routesVersion();
    if (version === attempted) return;
    attempted = version;
    const rendered = renderNginxDataPlane(await servers.routeTable(), settings, options.render);
    for (const skipped of rendered.skipped) logger.warn({ path: skipped.path, reason: skipped.reason }, `nginx data plane leaves out ${skipped.path}: ${skipped.reason}`);
    await applyNginxConfig(settings, rendered.config);
    logger.info({ version, file: settings.configFile }, 'nginx data plane reloaded');
  };
  const syncNow = (): Promise<void> => {
    running ??= once()
      .then(() => {
        lastFailure = undefined;
      })
      .catch((error: unknown) => {
        // nginx not (yet) running: the file is right, try the reload again at the next tick.
        if ((error as { code?: string }).code === 'REGISTRY_NGINX_RELOAD_FAILED') attempted = undefined;
        const message = (error as Error).message;
        if (message === lastFailure) return; // logged once, not at every retry
        lastFailure = message;
        logger.error({ err: error, code: (error as { code?: string }).code }, `nginx data plane not updated: ${message}`);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void syncNow(), options.intervalMs ?? NGINX_SYNC_INTERVAL_MS);
  timer.unref();
  void syncNow();
  return {
    syncNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
