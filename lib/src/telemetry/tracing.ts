import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, type Context, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from './span-attributes.js';
import type { TracingSettings } from './tracing-settings.js';

export interface Tracing {
  tracer: Tracer;
  /** The trace context a request carries in `traceparent` / `tracestate`, or the root context. */
  extract(headers: IncomingHttpHeaders | Record<string, string | string[]>): Context;
  /** Adds `traceparent` (and `tracestate`) for the span active in `context` to outgoing headers. */
  inject(context: Context, headers: Record<string, unknown>): void;
  /** Sends every finished span now. */
  forceFlush(): Promise<void>;
  /** Sends what is left and stops. */
  shutdown(): Promise<void>;
}

/**
 * One tracer provider per service, exporting over OTLP/HTTP (JSON) in batches. Undefined settings give
 * undefined: callers test for it once, so that a service without a collector does no tracing work.
 * Nothing is registered globally (no global provider, propagator or context manager): several
 * services may share a process, and the context is passed along explicitly.
 */
export function createTracing(serviceName: string, settings: TracingSettings | undefined): Tracing | undefined {
  if (settings === undefined) return undefined;
  const exporter = new OTLPTraceExporter({ url: settings.tracesUrl });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const propagator = new W3CTraceContextPropagator();
  let stopping: Promise<void> | undefined;
  return {
    tracer: provider.getTracer('mcp-gateway-registry'),
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    inject: (context, headers) => propagator.inject(context, headers, defaultTextMapSetter),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => (stopping ??= provider.shutdown()),
  };
}
