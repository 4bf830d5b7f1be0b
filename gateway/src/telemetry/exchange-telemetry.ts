import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { NONE_LABEL } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ATTR_URL_PATH,
} from '@mcpgw/lib/telemetry/span-attributes.js';
import type { Tracing } from '@mcpgw/lib/telemetry/tracing.js';
import type { UsageReporter } from '@mcpgw/lib/telemetry/usage-reporter.js';
import { IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import type { AccessGrant } from '../authz/check-access.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Decision, GatewayMetrics } from './gateway-metrics.js';
import { mcpMethodLabel, toolLabel } from './mcp-method-label.js';

export interface GatewayTelemetry {
  metrics: GatewayMetrics;
  /** Undefined when no OTLP endpoint is configured: then no span is ever made. */
  tracing: Tracing | undefined;
  /** Receives a record of every tools/call for the registry's usage analytics, when configured. */
  usage: UsageReporter | undefined;
}

/** `traceparent` (and `tracestate`) for a call the gateway makes; undefined without tracing. */
export type TraceHeaders = Record<string, string> | undefined;

/**
 * What the gateway observes of one request, from its arrival to the end of its answer (the last byte
 * of a stream, or the connection dropping): the metrics are recorded and the request's span ends then.
 */
export class Exchange {
  #serverPath = NONE_LABEL;
  #mcpMethod = NONE_LABEL;
  #tool: string | undefined;
  #toolName: string | undefined;
  #clientId: string | null = null;
  #failure: string | undefined;
  #decision: Decision = 'none';
  #closeStream: (() => void) | undefined;
  #upstreamSpan: Span | undefined;
  readonly #startedAt = performance.now();
  readonly #httpMethod: string;
  readonly #span: Span | undefined;
  readonly #context: Context | undefined;

  constructor(readonly telemetry: GatewayTelemetry, req: IncomingMessage, res: ServerResponse) {
    const { tracing } = telemetry;
    this.#httpMethod = req.method ?? 'GET';
    if (tracing) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const parent = tracing.extract(req.headers);
      this.#span = tracing.tracer.startSpan(this.#httpMethod, {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: this.#httpMethod, [ATTR_URL_PATH]: path },
      }, parent);
      this.#context = trace.setSpan(parent, this.#span);
      const session = req.headers['mcp-session-id'];
      if (typeof session === 'string') this.#span.setAttribute(ATTR_MCP_SESSION_ID, session);
      const version = req.headers['mcp-protocol-version'];
      if (typeof version === 'string') this.#span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, version);
    }
    res.once('close', () => this.#end(res));
  }

  /** The request matched the route at `serverPath`; `messages` are its JSON-RPC messages when it had a body. */
  routed(serverPath: string, registeredTools: ReadonlySet<string>, messages: readonly JsonRpcMessageView[] | undefined, batch: boolean): void {
    this.#serverPath = serverPath;
    this.#mcpMethod = mcpMethodLabel(messages, batch);
    const single = !batch && messages?.length === 1 ? messages[0] : undefined;
    if (single?.tool !== undefined) {
      this.#tool = toolLabel(single.tool, registeredTools);
      this.#toolName = single.tool;
    }
    const span = this.#span;
    if (span) {
      span.updateName(`${this.#httpMethod} ${serverPath}`);
      span.setAttribute(ATTR_HTTP_ROUTE, serverPath);
      if (single?.method !== undefined) span.setAttribute(ATTR_MCP_METHOD_NAME, single.method);
      if (single?.tool !== undefined) {
        span.setAttribute(ATTR_GEN_AI_TOOL_NAME, single.tool);
        span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, 'execute_tool');
      }
    }
  }

  /** Runs the access check, timing it and, with tracing, in a child span whose context the check carries. */
  async checkAccess<T extends AccessGrant>(check: (headers: TraceHeaders) => Promise<T>): Promise<T> {
    const started = performance.now();
    const child = this.#child('auth check', SpanKind.CLIENT);
    try {
      const grant = await check(child?.headers);
      this.#decision = 'allow';
      this.#clientId = grant.identity[IDENTITY_HEADERS.clientId] ?? null;
      return grant;
    } catch (error) {
      const code = error instanceof GatewayError ? error.code : undefined;
      this.#decision = code === 'GW_FORBIDDEN' ? 'deny' : code === 'GW_UNAUTHENTICATED' ? 'unauthenticated' : 'error';
      child?.span.setStatus({ code: SpanStatusCode.ERROR, message: code ?? 'error' });
      throw error;
    } finally {
      this.telemetry.metrics.recordAuthCheck(this.#decision, (performance.now() - started) / 1000);
      child?.span.setAttribute('mcpgw.decision', this.#decision);
      child?.span.end();
    }
  }

  /** Sends the request upstream, timing the wait for its response headers; the upstream span lasts until the answer ends. */
  async forward<T>(send: (headers: TraceHeaders) => Promise<T>): Promise<T> {
    const started = performance.now();
    const name = this.#tool === undefined ? `upstream ${this.#mcpMethod}` : `upstream tools/call ${this.#tool}`;
    const child = this.#child(name, SpanKind.CLIENT);
    this.#upstreamSpan = child?.span;
    try {
      const answer = await send(child?.headers);
      this.telemetry.metrics.recordUpstream(this.#serverPath, (performance.now() - started) / 1000);
      return answer;
    } catch (error) {
      const code = error instanceof GatewayError ? error.code : 'GW_INTERNAL';
      this.#failure = code;
      if (code !== 'GW_REQUEST_ABORTED') this.telemetry.metrics.recordUpstreamError(this.#serverPath, code);
      child?.span.setAttribute(ATTR_ERROR_TYPE, code);
      child?.span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      throw error;
    }
  }

  /** The upstream answered with an event stream: it counts as open until the answer ends. */
  streaming(): void {
    this.#closeStream ??= this.telemetry.metrics.openStream(this.#serverPath);
  }

  #child(name: string, kind: SpanKind): { span: Span; headers: Record<string, string> } | undefined {
    const { tracing } = this.telemetry;
    if (!tracing || !this.#span || !this.#context) return undefined;
    const span = tracing.tracer.startSpan(name, { kind }, this.#context);
    const headers: Record<string, string> = {};
    tracing.inject(trace.setSpan(this.#context, span), headers);
    return { span, headers };
  }

  #report(usage: UsageReporter, res: ServerResponse, completed: boolean, seconds: number): void {
    const success = completed && res.statusCode < 400;
    usage.report({
      kind: 'tool',
      at: new Date().toISOString(),
      serverPath: this.#serverPath,
      tool: (this.#toolName as string).slice(0, 256),
      clientId: this.#clientId === null ? null : this.#clientId.slice(0, 256),
      success,
      reason: success ? null : (this.#failure ?? (completed ? `http_${res.statusCode}` : 'client_gone')),
      durationMs: seconds * 1000,
    });
  }

  #end(res: ServerResponse): void {
    this.#closeStream?.();
    const completed = res.writableFinished;
    const seconds = (performance.now() - this.#startedAt) / 1000;
    if (this.telemetry.usage && this.#toolName !== undefined && this.#decision === 'allow') this.#report(this.telemetry.usage, res, completed, seconds);
    this.telemetry.metrics.recordExchange({
      serverPath: this.#serverPath,
      mcpMethod: this.#mcpMethod,
      decision: this.#decision,
      tool: this.#tool,
      status: res.statusCode,
      completed,
      seconds,
    });
    const span = this.#span;
    if (!span) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (res.statusCode >= 500 || !completed) span.setStatus({ code: SpanStatusCode.ERROR });
    if (this.#upstreamSpan) {
      this.#upstreamSpan.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      this.#upstreamSpan.end();
    }
    span.end();
  }
}
