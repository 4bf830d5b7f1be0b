import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricNamesIn } from './support/promql-names.js';

test('metric names are read out of PromQL expressions, and nothing else', () => {
  const cases: Array<[string, string[]]> = [
    ['up', ['up']],
    ['up{job=~"mcp-.*"} == 0', ['up']],
    ['sum by (status) (rate(mcp_auth_requests_total[$__rate_interval]))', ['mcp_auth_requests_total']],
    ['histogram_quantile(0.95, sum by (le, server_path) (rate(mcp_tool_execution_duration_seconds_bucket[5m]))) > 1', ['mcp_tool_execution_duration_seconds_bucket']],
    ['time() - a_timestamp_seconds > 2 * an_interval_seconds', ['a_timestamp_seconds', 'an_interval_seconds']],
    ['sum(rate(x_total{reason="sum by (y)"}[5m])) / sum without (instance) (rate(x_total[5m]))', ['x_total']],
    ['topk(10, sum by (a, b) (increase(c_total[$__range])))', ['c_total']],
    ['a_total and on (job) b_total unless ignoring (x) c_total offset 5m', ['a_total', 'b_total', 'c_total']],
    ['1e3 * 0.5', []],
  ];
  for (const [expression, expected] of cases) {
    assert.deepEqual([...metricNamesIn(expression)].sort(), expected.sort(), expression);
  }
});
