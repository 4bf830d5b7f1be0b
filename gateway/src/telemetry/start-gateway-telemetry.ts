import { createMetricsRegistry } from '@mcpgw/lib/telemetry/metrics-registry.js';
import { startMetricsServer } from '@mcpgw/lib/telemetry/serve-metrics.js';
import { createTracing } from '@mcpgw/lib/telemetry/tracing.js';
import type { TracingSettings } from '@mcpgw/lib/telemetry/tracing-settings.js';
import { defineUsageReportMetrics } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { createUsageReporter } from '@mcpgw/lib/telemetry/usage-reporter.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { GatewayTelemetry } from './exchange-telemetry.js';
import { createGatewayMetrics } from './gateway-metrics.js';

export interface RunningGatewayTelemetry extends GatewayTelemetry {
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/** The gateway's metrics registry, its /metrics listener when a port is given, and its tracer when an OTLP endpoint is. */
export async function startGatewayTelemetry(options: {
  metricsPort?: number;
  host: string;
  tracing?: TracingSettings;
  /** Where tool executions are reported for usage analytics; undefined reports none. */
  usage?: { registryUrl: string; internalToken: string; flushIntervalMs?: number };
  logger: Logger;
}): Promise<RunningGatewayTelemetry> {
  const registry = createMetricsRegistry();
  const metrics = createGatewayMetrics(registry);
  const tracing = createTracing('mcp-gateway', options.tracing);
  const dropped = defineUsageReportMetrics(registry).dropped;
  const usage = options.usage && createUsageReporter({
    ...options.usage,
    logger: options.logger,
    onDropped: (count) => dropped.inc(count),
  });
  const listener = options.metricsPort === undefined ? undefined : await startMetricsServer(registry, options.metricsPort, options.host);
  return {
    metrics,
    tracing,
    usage,
    metricsUrl: listener?.url,
    close: async () => {
      await usage?.close();
      await listener?.close();
      await tracing?.shutdown();
    },
  };
}
