import type { HealthRecord, ScanRecord, ToolChange } from '../store/health-repository.js';

/** A health record as the API and the event stream show it. */
export function healthView(record: HealthRecord): Record<string, unknown> {
  return {
    status: record.status,
    reason: record.reason,
    last_checked_at: record.checkedAt,
    latency_ms: record.latencyMs,
    consecutive_failures: record.consecutiveFailures,
    consecutive_successes: record.consecutiveSuccesses,
    routed: record.routed || record.routeRegardless,
    withdrawn_by_health: !record.routed,
    route_regardless_of_health: record.routeRegardless,
  };
}

export function toolChangeView(change: ToolChange): Record<string, unknown> {
  return { tool: change.toolName, change: change.kind, old_hash: change.oldHash, new_hash: change.newHash, detected_at: change.detectedAt };
}

export function scanView(record: ScanRecord): Record<string, unknown> {
  return {
    status: record.status,
    findings: record.findings,
    scanned_at: record.scannedAt,
    blocked: record.blocked,
    overridden_by: record.overriddenBy,
    overridden_at: record.overriddenAt,
  };
}
