import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '@mcpgw/lib/telemetry/metrics-registry.js';
import {
  defineDiscoveryMetrics,
  defineFederationMetrics,
  type DiscoveryMetrics,
  type FederationMetrics,
} from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { createTracing, type Tracing } from '@mcpgw/lib/telemetry/tracing.js';
import type { TracingSettings } from '@mcpgw/lib/telemetry/tracing-settings.js';

/**
 * The registry's metrics and tracer. Health checks and tool discovery count on `discovery`
 * (`mcp_health_checks_total`, `mcp_server_healthy`, `mcp_tool_discovery_total`,
 * `mcp_tool_discovery_duration_seconds`), federation on `federation`; every name is declared at start,
 * so that dashboards and alerts find it before the first event.
 */
export interface RegistryTelemetry {
  metrics: Registry;
  discovery: DiscoveryMetrics;
  federation: FederationMetrics;
  /** Undefined when no OTLP endpoint is configured. */
  tracing: Tracing | undefined;
  close(): Promise<void>;
}

export function createRegistryTelemetry(tracingSettings: TracingSettings | undefined): RegistryTelemetry {
  const metrics = createMetricsRegistry();
  const tracing = createTracing('mcp-registry', tracingSettings);
  return {
    metrics,
    discovery: defineDiscoveryMetrics(metrics),
    federation: defineFederationMetrics(metrics),
    tracing,
    close: async () => {
      await tracing?.shutdown();
    },
  };
}
