import type { CapabilitiesRecord, HealthRepository, ToolChange } from '../store/health-repository.js';
import type { ListedCapabilities } from './list-capabilities.js';
import { diffToolHashes, hashTools } from './hash-tools.js';

export interface DiscoveryRecorded {
  record: CapabilitiesRecord;
  /** The tool changes since the previous discovery; none for the first. */
  changes: ToolChange[];
  /** Whether this is the server's first discovery. */
  first: boolean;
}

/**
 * Stores what a discovery listed with each tool's hash, and records every tool added, removed or
 * changed since the previous discovery (the first discovery is the baseline and records none).
 */
export async function recordDiscovery(health: HealthRepository, path: string, listed: ListedCapabilities, now: Date): Promise<DiscoveryRecorded> {
  const previous = await health.getCapabilities(path);
  const toolHashes = hashTools(listed.tools);
  const record: CapabilitiesRecord = { path, ...listed, toolHashes, discoveredAt: now.toISOString() };
  const changes = await health.saveCapabilities(record, previous === undefined ? [] : diffToolHashes(previous.toolHashes, toolHashes));
  return { record, changes, first: previous === undefined };
}
