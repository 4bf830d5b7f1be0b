import type { HealthRecord, ScanRecord } from '../store/health-repository.js';

/**
 * Whether the gateways must not route to a server: withdrawn by its health checks (unless the
 * operator routes it regardless), or, with BLOCK_UNSAFE_SERVERS, not yet scanned or blocked by a
 * failed scan that no administrator overrode.
 */
export function isWithheld(health: HealthRecord | undefined, scan: ScanRecord | undefined, blockUnsafe: boolean): boolean {
  if (health !== undefined && !health.routed && !health.routeRegardless) return true;
  return blockUnsafe && (scan === undefined || scan.blocked);
}
