import { envOptional } from '../config/env.js';

export interface TracingSettings {
  /** Where spans go: the full OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces`. */
  tracesUrl: string;
}

const TRACES_PATH = '/v1/traces';

/**
 * Tracing is on when an OTLP endpoint is configured: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the traces URL
 * as is), else OTEL_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (a base URL, `/v1/traces` appended).
 * OTEL_SDK_DISABLED=true turns it off. Undefined means no tracing at all.
 */
export function tracingSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  if (envOptional('OTEL_SDK_DISABLED', env)?.toLowerCase() === 'true') return undefined;
  const tracesUrl = envOptional('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env);
  if (tracesUrl !== undefined) return { tracesUrl: checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesUrl) };
  for (const name of ['OTEL_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const base = envOptional(name, env);
    if (base !== undefined) return { tracesUrl: `${checkedUrl(name, base).replace(/\/+$/, '')}${TRACES_PATH}` };
  }
  return undefined;
}

function checkedUrl(name: string, value: string): string {
  if (!/^https?:\/\/[^/]/.test(value)) {
    throw new Error(`${name} must be an http(s) URL of an OTLP/HTTP collector such as http://otel-collector:4318, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `{ tracing }` for a service's start options when the environment configures an endpoint, else `{}`. */
export function tracingOptionFromEnv(env: NodeJS.ProcessEnv = process.env): { tracing?: TracingSettings } {
  const tracing = tracingSettingsFromEnv(env);
  return tracing ? { tracing } : {};
}
