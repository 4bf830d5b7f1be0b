import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusClassOf } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import { mcpMethodLabel, toolLabel } from '../../gateway/src/telemetry/mcp-method-label.js';
import { percentiles } from '../../registry/src/analytics/percentiles.js';
import { parseAnalyticsQuery } from '../../registry/src/analytics/parse-analytics-query.js';

test('the mcp_method label is a known method, batch, response, other or none', () => {
  const cases: Array<[Parameters<typeof mcpMethodLabel>[0], boolean, string]> = [
    [undefined, false, 'none'],
    [[], false, 'none'],
    [[{ method: 'tools/call', tool: 'x' }], false, 'tools/call'],
    [[{ method: 'notifications/initialized' }], false, 'notifications/initialized'],
    [[{ method: 'tools/call' }, { method: 'ping' }], true, 'batch'],
    [[{}], false, 'response'],
    [[{ method: 'x/../../etc/passwd' }], false, 'other'],
    [[{ method: 'Tools/Call' }], false, 'other'],
  ];
  for (const [messages, batch, expected] of cases) assert.equal(mcpMethodLabel(messages, batch), expected, JSON.stringify(messages));
});

test('a tool is a label only when the route registered it', () => {
  const registered = new Set(['echo', 'add']);
  assert.equal(toolLabel('echo', registered), 'echo');
  assert.equal(toolLabel('Echo', registered), 'other');
  assert.equal(toolLabel('drop table', registered), 'other');
  assert.equal(toolLabel('echo', new Set()), 'other');
});

test('status classes', () => {
  for (const [status, expected] of [[200, '2xx'], [204, '2xx'], [401, '4xx'], [503, '5xx'], [101, '1xx'], [0, '0xx'], [999, '0xx']] as const) {
    assert.equal(statusClassOf(status), expected, String(status));
  }
});

test('nearest-rank percentiles', () => {
  assert.deepEqual(percentiles([], [50, 95]), [0, 0]);
  assert.deepEqual(percentiles([7], [50, 95, 99]), [7, 7, 7]);
  assert.deepEqual(percentiles([5, 1, 4, 2, 3], [50, 95, 99]), [3, 5, 5]);
  const hundred = Array.from({ length: 100 }, (_, index) => 100 - index);
  assert.deepEqual(percentiles(hundred, [50, 95, 99]), [50, 95, 99]);
});

test('analytics queries default to the last 24 hours and report every bad parameter at once', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const query = parseAnalyticsQuery({}, now);
  assert.deepEqual([query.range.from.toISOString(), query.range.to.toISOString(), query.limit, query.period], ['2026-02-28T12:00:00.000Z', '2026-03-01T12:00:00.000Z', 10, 'hour']);
  try {
    parseAnalyticsQuery({ from: 'soon', limit: '500', period: 'week', to: ['a', 'b'] }, now);
    assert.fail('expected REGISTRY_INVALID_QUERY');
  } catch (error) {
    const { code, problems } = error as { code: string; problems: Array<{ path: string }> };
    assert.equal(code, 'REGISTRY_INVALID_QUERY');
    assert.deepEqual(problems.map((problem) => problem.path).sort(), ['from', 'limit', 'period', 'to']);
  }
});
