import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { compileRoutes, type RouteMatcher } from './compile-routes.js';
import type { RouteSource } from './route-source.js';

export interface LiveRoutes {
  /** The matcher of the latest table, or undefined before the first table arrives. */
  current(): RouteMatcher | undefined;
  /**
   * Asks the source for a newer table after a path it did not know or a disabled server, so that
   * a registration or toggle is served at once. One refresh at a time, at most one per cooldown;
   * callers arriving meanwhile wait for the refresh in flight or go on without one.
   */
  refreshAfterMiss(): Promise<void>;
  close(): Promise<void>;
}

export const MISS_REFRESH_COOLDOWN_MS = 1000;

/** Keeps the matcher of the newest table a source delivers, compiled once per change. */
export function createLiveRoutes(source: RouteSource, logger: Logger, cooldownMs = MISS_REFRESH_COOLDOWN_MS): LiveRoutes {
  let matcher: RouteMatcher | undefined;
  let refreshing: Promise<void> | undefined;
  let lastRefresh = Number.NEGATIVE_INFINITY;
  source.start((table: RouteTable) => {
    matcher = compileRoutes(table, ({ route, reason }) => {
      logger.warn({ path: route.path, serverName: route.serverName, reason }, `route ${route.path} skipped: ${reason}`);
    });
    logger.info({ version: table.version, routes: matcher.size }, 'route table updated');
  });
  return {
    current: () => matcher,
    refreshAfterMiss() {
      if (refreshing) return refreshing;
      if (!source.refresh || performance.now() - lastRefresh < cooldownMs) return Promise.resolve();
      lastRefresh = performance.now();
      refreshing = source.refresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    close: () => source.close(),
  };
}
