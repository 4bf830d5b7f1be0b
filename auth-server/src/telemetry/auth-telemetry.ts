import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { CHECK_REQUEST_HEADERS, decodeMessageHeaders, IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import type { IncomingHttpHeaders } from 'node:http';
import { defineAuthMetrics, NONE_LABEL } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { ATTR_GEN_AI_TOOL_NAME, ATTR_MCP_METHOD_NAME } from '@mcpgw/lib/telemetry/span-attributes.js';
import { traceRequests } from '@mcpgw/lib/telemetry/trace-requests.js';
import type { Tracing } from '@mcpgw/lib/telemetry/tracing.js';
import type { UsageReporter } from '@mcpgw/lib/telemetry/usage-reporter.js';

/** Where the check tells telemetry why it refused (an error code such as AUTH_TOKEN_EXPIRED). */
const REASON_LOCAL = 'authReason';

/** Notes the stable code of a refusal for the metrics of this check. */
export function noteAuthReason(response: Response, code: string | undefined): void {
  response.locals[REASON_LOCAL] = code;
}

/**
 * Counts and times every access check (`mcp_auth_requests_total`, `mcp_auth_request_duration_seconds`)
 * by outcome, auth method and refusal code, and gives it a span in the caller's trace.
 */
export function authTelemetry(registry: Registry, tracing: Tracing | undefined, usage: UsageReporter | undefined) {
  const metrics = defineAuthMetrics(registry);
  const trace = traceRequests(tracing, (req) => {
    const single = singleMessage(req.headers);
    return {
      ...(single?.method === undefined ? {} : { [ATTR_MCP_METHOD_NAME]: single.method }),
      ...(single?.tool === undefined ? {} : { [ATTR_GEN_AI_TOOL_NAME]: single.tool }),
    };
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      const status = response.statusCode === 200 ? 'success' : 'failure';
      const method = response.getHeader(IDENTITY_HEADERS.authMethod);
      const reason = response.locals[REASON_LOCAL];
      const seconds = (performance.now() - started) / 1000;
      metrics.requests.labels(status, typeof method === 'string' ? method : NONE_LABEL, typeof reason === 'string' ? reason : NONE_LABEL).inc();
      metrics.duration.labels(status).observe(seconds);
      if (usage) {
        const serverPath = request.get(CHECK_REQUEST_HEADERS.serverPath);
        const clientId = response.getHeader(IDENTITY_HEADERS.clientId);
        usage.report({
          kind: 'auth',
          at: new Date().toISOString(),
          serverPath: serverPath === undefined ? null : serverPath.slice(0, 512),
          tool: singleMessage(request.headers)?.tool?.slice(0, 256) ?? null,
          clientId: typeof clientId === 'string' ? clientId.slice(0, 256) : null,
          success: status === 'success',
          reason: status === 'success' ? null : typeof reason === 'string' ? reason.slice(0, 128) : `http_${response.statusCode}`,
          durationMs: seconds * 1000,
        });
      }
    });
    trace(request, response, next);
  };
}

/** The one JSON-RPC message the check headers describe, if they describe exactly one. */
function singleMessage(headers: IncomingHttpHeaders) {
  const described = decodeMessageHeaders((name) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  });
  return described && !described.batch ? described.messages[0] : undefined;
}
