import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { compileRoutes, type RouteMatcher } from './compile-routes.js';
import type { RouteSource } from './route-source.js';

export interface LiveRoutes {
  /** The matcher of the latest table, or undefined before the first table arrives. */
  current(): RouteMatcher | undefined;
  close(): Promise<void>;
}

/** Keeps the matcher of the newest table a source delivers, compiled once per change. */
export function createLiveRoutes(source: RouteSource, logger: Logger): LiveRoutes {
  let matcher: RouteMatcher | undefined;
  source.start((table: RouteTable) => {
    matcher = compileRoutes(table, ({ route, reason }) => {
      logger.warn({ path: route.path, serverName: route.serverName, reason }, `route ${route.path} skipped: ${reason}`);
    });
    logger.info({ version: table.version, routes: matcher.size }, 'route table updated');
  });
  return {
    current: () => matcher,
    close: () => source.close(),
  };
}
