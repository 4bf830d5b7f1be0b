import type { FederationMetrics as FederationInstruments } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import type { FederationMetrics } from '../federation/federation-metrics.js';

/** Federation's sync outcomes recorded on the registry's mcp_federation_* metrics (labelled by peer id). */
export function recordFederation(instruments: FederationInstruments, now: () => number = Date.now): FederationMetrics {
  return {
    syncFinished(peerId, outcome, seconds, consecutiveFailures, itemsChanged = 0) {
      instruments.syncDuration.labels(peerId).observe(seconds);
      instruments.consecutiveFailures.labels(peerId).set(consecutiveFailures);
      instruments.peerHealthy.labels(peerId).set(outcome === 'success' ? 1 : 0);
      if (outcome === 'failure') {
        instruments.syncFailures.labels(peerId).inc();
        return;
      }
      instruments.lastSuccess.labels(peerId).set(now() / 1000);
      if (itemsChanged > 0) instruments.itemsSynced.labels(peerId).inc(itemsChanged);
    },
  };
}
