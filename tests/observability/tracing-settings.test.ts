import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tracingSettingsFromEnv } from '@mcpgw/lib/telemetry/tracing-settings.js';

test('tracing is configured by OTEL_OTLP_ENDPOINT or the standard OTEL_EXPORTER_OTLP_* variables, and off otherwise', () => {
  const cases: Array<[NodeJS.ProcessEnv, string | undefined]> = [
    [{}, undefined],
    [{ OTEL_OTLP_ENDPOINT: '' }, undefined],
    [{ OTEL_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base' }, 'https://otel.example/base/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_OTLP_ENDPOINT: 'http://other:4318' }, 'http://c:4318/custom'],
    [{ OTEL_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, undefined],
  ];
  for (const [env, expected] of cases) {
    assert.equal(tracingSettingsFromEnv(env)?.tracesUrl, expected, JSON.stringify(env));
  }
});

test('an endpoint that is not an http(s) URL is refused at start-up, naming the variable', () => {
  assert.throws(() => tracingSettingsFromEnv({ OTEL_OTLP_ENDPOINT: 'collector:4317' }), /OTEL_OTLP_ENDPOINT must be an http\(s\) URL/);
});
