/**
 * Where federation reports what the metrics and alerts need (sync outcomes and durations, failures
 * in a row). The metrics registry plugs in here; without one, nothing is recorded.
 */
export interface FederationMetrics {
  /** `itemsChanged`: the servers and agents a successful sync imported, changed or orphaned. */
  syncFinished(peerId: string, outcome: 'success' | 'failure', seconds: number, consecutiveFailures: number, itemsChanged?: number): void;
}

export const NO_FEDERATION_METRICS: FederationMetrics = Object.freeze({ syncFinished: () => undefined });
