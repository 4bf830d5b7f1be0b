import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The metric names of the original MCP Gateway & Registry, so that existing dashboards keep working,
 * grouped by the service that records them. Labels are bounded: a registered server path, an MCP
 * method from a known list, a tool name only when the server registered it (otherwise `other`), a
 * status, an error code; never a user, a token or a raw URL.
 */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The label of a tool that the server did not register, or of anything else outside a bounded set. */
export const OTHER_LABEL = 'other';
/** The label when there is nothing to name: no route matched, no MCP method, no error. */
export const NONE_LABEL = 'none';

export type AuthMetrics = ReturnType<typeof defineAuthMetrics>;

/** Recorded by the auth-server, one per access check. */
export function defineAuthMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'mcp_auth_requests_total',
      help: 'Access checks answered by the auth-server, by outcome (success or failure), auth method and error code',
      labelNames: ['status', 'auth_method', 'reason'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'mcp_auth_request_duration_seconds',
      help: 'Time the auth-server took to answer an access check',
      labelNames: ['status'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
  };
}

export type ToolMetrics = ReturnType<typeof defineToolMetrics>;

/** Recorded by the gateway, which sees every exchange with an MCP server from start to end. */
export function defineToolMetrics(registry: Registry) {
  return {
    executions: new Counter({
      name: 'mcp_tool_executions_total',
      help: 'tools/call requests through the gateway, by server, tool (registered tools only, else other) and status',
      labelNames: ['server_path', 'tool_name', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'mcp_tool_execution_duration_seconds',
      help: 'Whole tools/call exchange through the gateway, streamed answers included, until the last byte',
      labelNames: ['server_path', 'tool_name', 'status'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    protocolLatency: new Histogram({
      name: 'mcp_protocol_latency_seconds',
      help: 'Whole MCP exchange through the gateway by server and MCP method, until the last byte',
      labelNames: ['server_path', 'method'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
  };
}

export type DiscoveryMetrics = ReturnType<typeof defineDiscoveryMetrics>;

/**
 * Recorded by the registry's health checks and tool discovery. `status` is `success` or `failure`
 * (for health checks: `healthy` or `unhealthy`).
 */
export function defineDiscoveryMetrics(registry: Registry) {
  return {
    healthChecks: new Counter({
      name: 'mcp_health_checks_total',
      help: 'Health checks of registered MCP servers by server and result (healthy or unhealthy)',
      labelNames: ['server_path', 'status'] as const,
      registers: [registry],
    }),
    serverHealthy: new Gauge({
      name: 'mcp_server_healthy',
      help: '1 when the last health check of the server succeeded, 0 when it failed',
      labelNames: ['server_path'] as const,
      registers: [registry],
    }),
    toolDiscoveries: new Counter({
      name: 'mcp_tool_discovery_total',
      help: 'Tool discovery runs (tools/list against a registered server) by server and result (success or failure)',
      labelNames: ['server_path', 'status'] as const,
      registers: [registry],
    }),
    toolDiscoveryDuration: new Histogram({
      name: 'mcp_tool_discovery_duration_seconds',
      help: 'Time a tool discovery run took',
      labelNames: ['server_path'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
  };
}

export type FederationMetrics = ReturnType<typeof defineFederationMetrics>;

/** Recorded by the registry's federation with peer registries; `peer` is the configured peer id. */
export function defineFederationMetrics(registry: Registry) {
  return {
    syncDuration: new Histogram({
      name: 'mcp_federation_sync_duration_seconds',
      help: 'Time one sync with a peer registry took',
      labelNames: ['peer'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    syncFailures: new Counter({
      name: 'mcp_federation_sync_failures_total',
      help: 'Syncs with a peer registry that failed',
      labelNames: ['peer'] as const,
      registers: [registry],
    }),
    itemsSynced: new Counter({
      name: 'mcp_federation_items_synced_total',
      help: 'Servers and agents imported from a peer registry',
      labelNames: ['peer'] as const,
      registers: [registry],
    }),
    consecutiveFailures: new Gauge({
      name: 'mcp_federation_consecutive_failures',
      help: 'Syncs with the peer that failed in a row since its last success',
      labelNames: ['peer'] as const,
      registers: [registry],
    }),
    peerHealthy: new Gauge({
      name: 'mcp_federation_peer_healthy',
      help: '1 when the peer answered its last sync, 0 when it did not',
      labelNames: ['peer'] as const,
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'mcp_federation_last_success_timestamp_seconds',
      help: 'Unix time of the last successful sync with the peer',
      labelNames: ['peer'] as const,
      registers: [registry],
    }),
    syncInterval: new Gauge({
      name: 'mcp_federation_sync_interval_seconds',
      help: 'How often the peer is synced',
      labelNames: ['peer'] as const,
      registers: [registry],
    }),
  };
}

/** `2xx`, `4xx`, `5xx`, …; `0xx` for an exchange that ended before any status was sent. */
export function statusClassOf(status: number): string {
  if (status >= 100 && status < 600) return STATUS_CLASSES[Math.floor(status / 100)] as string;
  return '0xx';
}

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** Recorded by the gateway and the auth-server, which send usage records to the registry. */
export function defineUsageReportMetrics(registry: Registry) {
  return {
    dropped: new Counter({
      name: 'mcp_usage_records_dropped_total',
      help: 'Usage records this service dropped instead of sending to the registry (queue full, registry unreachable or refusing)',
      registers: [registry],
    }),
  };
}
