import { createMetricsRegistry } from '@mcpgw/lib/telemetry/metrics-registry.js';
import { startMetricsServer } from '@mcpgw/lib/telemetry/serve-metrics.js';
import { createTracing } from '@mcpgw/lib/telemetry/tracing.js';
import type { TracingSettings } from '@mcpgw/lib/telemetry/tracing-settings.js';
import type { GatewayTelemetry } from './exchange-telemetry.js';
import { createGatewayMetrics } from './gateway-metrics.js';

export interface RunningGatewayTelemetry extends GatewayTelemetry {
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/** The gateway's metrics registry, its /metrics listener when a port is given, and its tracer when an OTLP endpoint is. */
export async function startGatewayTelemetry(options: { metricsPort?: number; host: string; tracing?: TracingSettings }): Promise<RunningGatewayTelemetry> {
  const registry = createMetricsRegistry();
  const metrics = createGatewayMetrics(registry);
  const tracing = createTracing('mcp-gateway', options.tracing);
  const listener = options.metricsPort === undefined ? undefined : await startMetricsServer(registry, options.metricsPort, options.host);
  return {
    metrics,
    tracing,
    metricsUrl: listener?.url,
    close: async () => {
      await listener?.close();
      await tracing?.shutdown();
    },
  };
}
