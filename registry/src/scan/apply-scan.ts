import type { ListedCapabilities } from '../discovery/list-capabilities.js';
import type { HealthRepository, ScanRecord } from '../store/health-repository.js';
import type { ServerRepository, StoredServer } from '../store/server-repository.js';
import { scanServer } from './scan-server.js';
import type { ScanSettings } from './scan-settings.js';

export interface ScanApplied {
  record: ScanRecord;
  previous: ScanRecord | undefined;
  /** The server entry after the scan disabled it (BLOCK_UNSAFE_SERVERS); undefined when it did not. */
  disabled?: StoredServer;
}

/**
 * Scans a server and stores the result. With BLOCK_UNSAFE_SERVERS a failing server is blocked and
 * disabled; an administrator's override holds until the server's tools change.
 */
export async function applyScan(
  stores: { health: HealthRepository; servers: ServerRepository },
  server: StoredServer,
  listed: ListedCapabilities,
  toolsChanged: boolean,
  settings: ScanSettings,
  now: Date,
): Promise<ScanApplied> {
  const previous = await stores.health.getScan(server.path);
  const others = await stores.health.listCapabilities();
  const outcome = await scanServer(server, listed, others, settings);
  const keepOverride = previous !== undefined && previous.overriddenBy !== null && !toolsChanged;
  const blocked = settings.blockUnsafe && outcome.status === 'failed' && !keepOverride;
  const record: ScanRecord = {
    path: server.path,
    ...outcome,
    scannedAt: now.toISOString(),
    blocked,
    overriddenBy: keepOverride ? previous.overriddenBy : null,
    overriddenAt: keepOverride ? previous.overriddenAt : null,
  };
  const routingChanged = settings.blockUnsafe && (previous === undefined || previous.blocked !== blocked);
  await stores.health.saveScan(record, routingChanged);
  if (!blocked || !server.enabled) return { record, previous };
  const disabled = await stores.servers.update(server.path, { enabled: false });
  return { record, previous, ...(disabled ? { disabled } : {}) };
}

/** An administrator lets a blocked server through: unblocked, re-enabled, and recorded with who did it. */
export async function overrideScan(
  stores: { health: HealthRepository; servers: ServerRepository },
  scan: ScanRecord,
  by: string,
  settings: ScanSettings,
  now: Date,
): Promise<{ record: ScanRecord; enabled?: StoredServer }> {
  const record: ScanRecord = { ...scan, blocked: false, overriddenBy: by, overriddenAt: now.toISOString() };
  await stores.health.saveScan(record, settings.blockUnsafe && scan.blocked);
  if (!scan.blocked) return { record };
  const current = await stores.servers.get(scan.path);
  if (current === undefined || current.enabled) return { record };
  const enabled = await stores.servers.update(scan.path, { enabled: true });
  return { record, ...(enabled ? { enabled } : {}) };
}
