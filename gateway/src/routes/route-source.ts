import type { RouteTable } from '@mcpgw/lib/routes/route-table.js';

/**
 * Where the gateway's route tables come from: the registry's feed by default, a push channel or a
 * test's own tables otherwise. A source calls `onTable` with every table that differs from the last.
 */
export interface RouteSource {
  start(onTable: (table: RouteTable) => void): void;
  /** Asks for the newest table now; resolves once it was delivered or could not be had. */
  refresh?(): Promise<void>;
  close(): Promise<void>;
}
