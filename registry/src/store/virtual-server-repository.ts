import type { VirtualServerDefinition } from '@mcpgw/lib/virtual/virtual-server-schema.js';

export interface StoredVirtualServer {
  name: string;
  definition: VirtualServerDefinition;
  /** 1 when created, one more on every replacement. */
  revision: number;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

/** The expected revision did not match the stored one (or the entry is gone). */
export class VirtualServerRevisionConflict extends Error {
  constructor(readonly current: number | undefined) {
    super(current === undefined ? 'the virtual server does not exist' : `the virtual server is at revision ${current}`);
  }
}

/**
 * Named virtual MCP servers. Every write bumps the routes version in its own transaction, so gateways
 * polling the route feed see the change. Both backends pass tests/registry/virtual-server-repository-contract.ts.
 */
export interface VirtualServerRepository {
  /** Ordered by name (byte order). */
  list(): Promise<StoredVirtualServer[]>;
  get(name: string): Promise<StoredVirtualServer | undefined>;
  /**
   * Creates (revision 1) or replaces (revision + 1). With `expectedRevision`, replaces only that
   * revision (0: only creates) and throws VirtualServerRevisionConflict otherwise.
   */
  put(name: string, definition: VirtualServerDefinition, expectedRevision?: number): Promise<{ stored: StoredVirtualServer; created: boolean }>;
  /** False when there was none; with `expectedRevision`, deletes only that revision. */
  delete(name: string, expectedRevision?: number): Promise<boolean>;
}
