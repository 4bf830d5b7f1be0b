import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { defineFederationMetrics } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { recordFederation } from '../../registry/src/telemetry/record-federation.js';

describe('federation sync outcomes on the mcp_federation_* metrics', () => {
  test('a success records duration, items, health and the time; failures count and set failures in a row', async () => {
    const registry = new Registry();
    const metrics = recordFederation(defineFederationMetrics(registry), () => 1_800_000_000_000);
    metrics.syncFinished('spoke-a', 'success', 0.25, 0, 3);
    metrics.syncFinished('spoke-b', 'failure', 1.5, 1);
    metrics.syncFinished('spoke-b', 'failure', 1.5, 2);
    const text = await registry.metrics();
    const value = (line: string) => Number(text.split('\n').find((candidate) => candidate.startsWith(line))?.slice(line.length).trim());
    assert.equal(value('mcp_federation_items_synced_total{peer="spoke-a"}'), 3);
    assert.equal(value('mcp_federation_peer_healthy{peer="spoke-a"}'), 1);
    assert.equal(value('mcp_federation_last_success_timestamp_seconds{peer="spoke-a"}'), 1_800_000_000);
    assert.equal(value('mcp_federation_sync_duration_seconds_count{peer="spoke-a"}'), 1);
    assert.equal(value('mcp_federation_sync_failures_total{peer="spoke-b"}'), 2);
    assert.equal(value('mcp_federation_consecutive_failures{peer="spoke-b"}'), 2);
    assert.equal(value('mcp_federation_peer_healthy{peer="spoke-b"}'), 0);
  });
});
