import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, defineToolMetrics, statusClassOf } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { LabelChildren } from './label-children.js';

/** How an access check ended: `allow`, `deny` (403), `unauthenticated` (401), `error` (fails closed) or `none` (no check made). */
export type Decision = 'allow' | 'deny' | 'unauthenticated' | 'error' | 'none';

/** What the gateway learnt about one request by the time its answer ended. */
export interface ExchangeRecord {
  serverPath: string;
  mcpMethod: string;
  decision: Decision;
  /** The tool label of a single tools/call, else undefined. */
  tool: string | undefined;
  status: number;
  /** False when the answer was cut before its end. */
  completed: boolean;
  seconds: number;
}

export interface GatewayMetrics {
  recordExchange(record: ExchangeRecord): void;
  recordAuthCheck(decision: Decision, seconds: number): void;
  recordDecisionCache(hit: boolean): void;
  recordUpstream(serverPath: string, seconds: number): void;
  recordUpstreamError(serverPath: string, code: string): void;
  /** Counts an open event stream until the returned function is called. */
  openStream(serverPath: string): () => void;
  /** A request refused by a rate limit; `limit` is server, caller, tool or group. */
  recordRateLimited(serverPath: string, limit: string): void;
  /** An upstream replica's circuit breaker changed: 0 closed, 1 half-open, 2 open. */
  recordBreakerState(serverPath: string, replica: number, state: 'closed' | 'half-open' | 'open'): void;
}

const BREAKER_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * The gateway's own metrics (`mcp_gateway_*`) and the original tool and protocol metrics, defined on
 * `registry`. Label children are made once per label combination and kept (see LabelChildren), so that
 * recording a request costs a few map lookups and the increments.
 */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const tools = defineToolMetrics(registry);
  const requests = new Counter({
    name: 'mcp_gateway_requests_total',
    help: 'Requests through the gateway by server path, MCP method, access decision and HTTP status class',
    labelNames: ['server_path', 'mcp_method', 'decision', 'status_class'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'mcp_gateway_request_duration_seconds',
    help: 'Whole exchange through the gateway, until the last byte of the answer',
    labelNames: ['server_path', 'mcp_method'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: 'mcp_gateway_upstream_duration_seconds',
    help: 'Time from sending a request upstream to its response headers',
    labelNames: ['server_path'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'mcp_gateway_upstream_errors_total',
    help: 'Requests the upstream did not answer (unreachable, timed out, bad answer) by server path and error code',
    labelNames: ['server_path', 'code'] as const,
    registers: [registry],
  });
  const authChecks = new Histogram({
    name: 'mcp_gateway_auth_check_duration_seconds',
    help: 'Time of the access check (the auth-server call, or a decision-cache hit) by decision',
    labelNames: ['decision'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  const decisionCache = new Counter({
    name: 'mcp_gateway_decision_cache_total',
    help: 'Decision-cache lookups by result (hit or miss)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const openStreams = new Gauge({
    name: 'mcp_gateway_open_streams',
    help: 'Event streams (SSE) open through the gateway by server path',
    labelNames: ['server_path'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'mcp_gateway_rate_limited_total',
    help: 'Requests refused with 429 by a rate limit, by server path and limit (server, caller, tool, group)',
    labelNames: ['server_path', 'limit'] as const,
    registers: [registry],
  });
  const breakerState = new Gauge({
    name: 'mcp_gateway_circuit_breaker_state',
    help: 'Circuit breaker of an upstream replica: 0 closed, 1 half-open, 2 open',
    labelNames: ['server_path', 'replica'] as const,
    registers: [registry],
  });

  const requestCounts = new LabelChildren((path, method, decision, statusClass) => requests.labels(path, method, decision, statusClass));
  const requestDurations = new LabelChildren((path, method) => requestDuration.labels(path, method));
  const protocolLatency = new LabelChildren((path, method) => tools.protocolLatency.labels(path, method));
  const toolCounts = new LabelChildren((path, tool, status) => tools.executions.labels(path, tool, status));
  const toolDurations = new LabelChildren((path, tool, status) => tools.duration.labels(path, tool, status));
  const authCheckDurations = new LabelChildren((decision) => authChecks.labels(decision));
  const upstreamDurations = new LabelChildren((path) => upstreamDuration.labels(path));
  const upstreamErrorCounts = new LabelChildren((path, code) => upstreamErrors.labels(path, code));
  const streamGauges = new LabelChildren((path) => openStreams.labels(path));
  const hit = decisionCache.labels('hit');
  const miss = decisionCache.labels('miss');

  return {
    recordExchange(record) {
      const statusClass = record.completed ? statusClassOf(record.status) : '0xx';
      requestCounts.get(record.serverPath, record.mcpMethod, record.decision, statusClass).inc();
      requestDurations.get(record.serverPath, record.mcpMethod).observe(record.seconds);
      if (record.decision !== 'allow') return;
      protocolLatency.get(record.serverPath, record.mcpMethod).observe(record.seconds);
      if (record.tool === undefined) return;
      const status = record.completed && record.status < 400 ? 'success' : 'error';
      toolCounts.get(record.serverPath, record.tool, status).inc();
      toolDurations.get(record.serverPath, record.tool, status).observe(record.seconds);
    },
    recordAuthCheck(decision, seconds) {
      authCheckDurations.get(decision).observe(seconds);
    },
    recordDecisionCache(found) {
      (found ? hit : miss).inc();
    },
    recordUpstream(serverPath, seconds) {
      upstreamDurations.get(serverPath).observe(seconds);
    },
    recordUpstreamError(serverPath, code) {
      upstreamErrorCounts.get(serverPath, code).inc();
    },
    recordRateLimited(serverPath, limit) {
      rateLimited.labels(serverPath, limit).inc();
    },
    recordBreakerState(serverPath, replica, state) {
      breakerState.labels(serverPath, String(replica)).set(BREAKER_STATE_VALUES[state]);
    },
    openStream(serverPath) {
      const gauge = streamGauges.get(serverPath);
      gauge.inc();
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        gauge.dec();
      };
    },
  };
}
