import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient } from '../support/mcp-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { scrape, scrapeUntil } from './support/scrape.js';

const SERVER = '/observed';

describe('metrics scraped after real MCP traffic through the stack', () => {
  let stack: Stack;
  let upstream: McpUpstream;
  let client: Client;
  let gatewayMetrics: string;

  before(async () => {
    stack = await startStack();
    upstream = await startMcpUpstream({ enableJsonResponse: false });
    const registered = await stack.register({
      server_name: 'observed',
      path: SERVER,
      proxy_pass_url: `${upstream.url}/`,
      description: 'an upstream whose tools are registered',
      supported_transports: ['streamable-http'],
      tool_list: [{ name: 'echo' }, { name: 'wait_for_gate' }],
    });
    assert.equal(registered.status, 201, await registered.text());
    await stack.waitForRoute(SERVER);
    gatewayMetrics = `${stack.gateway.metricsUrl}/metrics`;
    client = await connectClient(`${stack.gateway.url}${SERVER}/mcp`, stack.adminToken);
  });
  after(async () => {
    await client?.close();
    await stack?.close();
    await upstream?.close();
  });

  test('tool calls are counted by server and registered tool, and an unregistered tool is `other`', async () => {
    const before = await scrape(gatewayMetrics);
    const echo = { server_path: SERVER, tool_name: 'echo', status: 'success' };
    const other = { server_path: SERVER, tool_name: 'other', status: 'success' };
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await client.callTool({ name: 'echo', arguments: { text: 'two' } });
    await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });

    const after = await scrapeUntil(gatewayMetrics, (s) => s.value('mcp_tool_executions_total', other) > before.value('mcp_tool_executions_total', other));
    assert.equal(after.value('mcp_tool_executions_total', echo) - before.value('mcp_tool_executions_total', echo), 2);
    assert.equal(after.value('mcp_tool_executions_total', other) - before.value('mcp_tool_executions_total', other), 1);
    assert.equal(after.value('mcp_tool_execution_duration_seconds_count', echo) - before.value('mcp_tool_execution_duration_seconds_count', echo), 2);
    assert.ok(after.value('mcp_tool_execution_duration_seconds_sum', echo) > before.value('mcp_tool_execution_duration_seconds_sum', echo));
    assert.ok(!after.samples.some((sample) => sample.labels.tool_name === 'add'), 'a tool the server did not register never becomes a label');

    const calls = { server_path: SERVER, mcp_method: 'tools/call', decision: 'allow', status_class: '2xx' };
    assert.equal(after.value('mcp_gateway_requests_total', calls) - before.value('mcp_gateway_requests_total', calls), 3);
    assert.ok(after.value('mcp_protocol_latency_seconds_count', { server_path: SERVER, method: 'tools/call' }) >= 3);
    assert.ok(after.value('mcp_gateway_upstream_duration_seconds_count', { server_path: SERVER }) >= 3);
    assert.ok(after.value('mcp_gateway_auth_check_duration_seconds_count', { decision: 'allow' }) >= 3);
    assert.ok(upstream.seenHeaders.every((headers) => headers.traceparent === undefined), 'without an OTLP endpoint the gateway adds no trace context');
  });

  test('a streamed tool call is measured when its stream ends, and counts as an open stream until then', async () => {
    const tool = { server_path: SERVER, tool_name: 'wait_for_gate', status: 'success' };
    const before = await scrape(gatewayMetrics);
    let progressed!: () => void;
    const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
    const call = client.callTool({ name: 'wait_for_gate', arguments: {} }, undefined, { onprogress: () => progressed() });
    await firstProgress;

    const during = await scrape(gatewayMetrics);
    assert.equal(during.value('mcp_tool_executions_total', tool), before.value('mcp_tool_executions_total', tool), 'not counted while the answer streams');
    const openBefore = before.value('mcp_gateway_open_streams', { server_path: SERVER });
    assert.equal(during.value('mcp_gateway_open_streams', { server_path: SERVER }) - openBefore, 1, 'the answer to the call is an open stream');

    upstream.openGate();
    await call;
    const done = await scrapeUntil(gatewayMetrics, (s) => s.value('mcp_tool_executions_total', tool) > before.value('mcp_tool_executions_total', tool));
    assert.equal(done.value('mcp_tool_executions_total', tool) - before.value('mcp_tool_executions_total', tool), 1);
    assert.equal(done.value('mcp_tool_execution_duration_seconds_count', tool) - before.value('mcp_tool_execution_duration_seconds_count', tool), 1);
    assert.equal(done.value('mcp_gateway_open_streams', { server_path: SERVER }), openBefore);
  });

  test('refusals are counted by decision at the gateway and by reason at the auth-server, with no user or token in any label', async () => {
    const forged = await stack.mint.forged('mallory', ['mcp-registry-admin']);
    const plainUser = await stack.mint.token('someone', []);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const unauthenticated = await fetch(`${stack.gateway.url}${SERVER}/mcp`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${forged}` }, body });
    assert.equal(unauthenticated.status, 401);
    const denied = await fetch(`${stack.gateway.url}${SERVER}/mcp`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${plainUser}` }, body });
    assert.equal(denied.status, 403);

    const gateway = await scrapeUntil(gatewayMetrics, (s) => s.value('mcp_gateway_requests_total', { decision: 'deny' }) > 0);
    assert.ok(gateway.value('mcp_gateway_requests_total', { server_path: SERVER, mcp_method: 'tools/list', decision: 'unauthenticated', status_class: '4xx' }) >= 1);
    assert.ok(gateway.value('mcp_gateway_requests_total', { server_path: SERVER, mcp_method: 'tools/list', decision: 'deny', status_class: '4xx' }) >= 1);

    const auth = await scrape(`${stack.auth.url}/metrics`);
    assert.ok(auth.value('mcp_auth_requests_total', { status: 'success' }) >= 3);
    const failures = auth.samples.filter((sample) => sample.name === 'mcp_auth_requests_total' && sample.labels.status === 'failure');
    assert.ok(failures.length >= 2, 'a 401 and a 403, each with its reason');
    assert.ok(failures.every((sample) => /^[A-Z_]+$/.test(sample.labels.reason ?? '')), JSON.stringify(failures));
    assert.ok(auth.value('mcp_auth_request_duration_seconds_count', { status: 'failure' }) >= 2);

    for (const text of [gateway.text, auth.text]) {
      for (const secret of ['mallory', 'someone', forged, plainUser, stack.adminToken, 'admin']) {
        assert.ok(!text.includes(`"${secret}"`), `no label holds ${secret.slice(0, 12)}`);
      }
    }
  });

  test('the registry serves /metrics with the health, discovery and federation names declared', async () => {
    const registry = await scrape(`${stack.registry.url}/metrics`);
    for (const name of ['mcp_health_checks_total', 'mcp_tool_discovery_total', 'mcp_tool_discovery_duration_seconds', 'mcp_federation_consecutive_failures', 'process_cpu_seconds_total']) {
      assert.ok(registry.names.has(name), `${name} is declared`);
    }
  });

  test("the gateway's public port never answers /metrics", async () => {
    const response = await fetch(`${stack.gateway.url}/metrics`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    assert.equal(response.status, 404);
    assert.doesNotMatch(await response.text(), /mcp_gateway_requests_total/);
  });
});

describe('decision-cache metrics', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ gateway: { decisionCacheMs: 60_000 } });
  });
  after(async () => {
    await stack?.close();
  });

  test('a repeated identical request is a hit, the first a miss', async () => {
    const metrics = `${stack.gateway.metricsUrl}/metrics`;
    const before = await scrape(metrics);
    const client = await connectClient(`${stack.gateway.url}/currenttime/mcp`, stack.adminToken);
    try {
      await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
      await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
    } finally {
      await client.close();
    }
    const after = await scrape(metrics);
    assert.ok(after.value('mcp_gateway_decision_cache_total', { result: 'hit' }) - before.value('mcp_gateway_decision_cache_total', { result: 'hit' }) >= 1);
    assert.ok(after.value('mcp_gateway_decision_cache_total', { result: 'miss' }) - before.value('mcp_gateway_decision_cache_total', { result: 'miss' }) >= 1);
  });
});
