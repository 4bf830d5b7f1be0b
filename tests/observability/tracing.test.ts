import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { connectClient } from '../support/mcp-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = '/traced';

describe('traces of a request through the stack, exported over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let stack: Stack;
  let upstream: McpUpstream;

  before(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({ tracing: { tracesUrl: receiver.tracesUrl } });
    upstream = await startMcpUpstream({ enableJsonResponse: true });
    const registered = await stack.register({
      server_name: 'traced',
      path: SERVER,
      proxy_pass_url: `${upstream.url}/`,
      description: 'an upstream that records the headers it receives',
      supported_transports: ['streamable-http'],
      tool_list: [{ name: 'echo' }],
    });
    assert.equal(registered.status, 201);
    await stack.waitForRoute(SERVER);
  });
  after(async () => {
    await stack?.close();
    await upstream?.close();
    await receiver?.close();
  });

  test("a tools/call joins the caller's trace: gateway span, auth check and upstream children, the auth-server inside the check", async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const client = await connectClient(`${stack.gateway.url}${SERVER}/mcp`, stack.adminToken, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    try {
      await client.callTool({ name: 'echo', arguments: { text: 'traced' } });
    } finally {
      await client.close();
    }

    const root = await receiver.waitFor((spans) =>
      spans.find((span) => span.traceId === traceId && span.service === 'mcp-gateway' && span.attributes['mcp.method.name'] === 'tools/call'));
    assert.equal(root.kind, SpanKind.SERVER + 1, 'OTLP numbers kinds from 1: SERVER is 2');
    assert.equal(root.parentSpanId, callerSpanId);
    assert.equal(root.name, `POST ${SERVER}`);
    assert.equal(root.attributes['gen_ai.tool.name'], 'echo');
    assert.equal(root.attributes['http.route'], SERVER);
    assert.equal(root.attributes['http.response.status_code'], 200);
    assert.equal(typeof root.attributes['mcp.session.id'], 'string');
    assert.equal(typeof root.attributes['mcp.protocol.version'], 'string');

    const children = await receiver.waitFor((spans) => {
      const check = spans.find((span) => span.parentSpanId === root.spanId && span.name === 'auth check');
      const exchange = spans.find((span) => span.parentSpanId === root.spanId && span.name === 'upstream tools/call echo');
      const validate = check && spans.find((span) => span.parentSpanId === check.spanId && span.service === 'mcp-auth-server');
      return check && exchange && validate ? { check, exchange, validate } : undefined;
    });
    for (const span of Object.values(children)) assert.equal(span.traceId, traceId);
    assert.equal(children.check.attributes['mcpgw.decision'], 'allow');
    assert.equal(children.validate.name, 'GET /validate');
    assert.equal(children.validate.attributes['mcp.method.name'], 'tools/call');
    assert.equal(children.validate.attributes['gen_ai.tool.name'], 'echo');

    const sentUpstream = upstream.seenHeaders.map((headers) => headers.traceparent).filter((value) => typeof value === 'string' && value.includes(traceId));
    assert.ok(sentUpstream.includes(`00-${traceId}-${children.exchange.spanId}-01`), `the upstream saw the exchange span as parent: ${sentUpstream.join(' ')}`);
  });

  test("the registry joins a caller's trace too", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const response = await fetch(`${stack.registry.url}/api/servers`, { headers: { authorization: `Bearer ${stack.adminToken}`, traceparent: `00-${traceId}-${parent}-01` } });
    assert.equal(response.status, 200);
    const span = await receiver.waitFor((spans) => spans.find((candidate) => candidate.traceId === traceId && candidate.service === 'mcp-registry'));
    assert.equal(span.parentSpanId, parent);
    assert.equal(span.attributes['http.response.status_code'], 200);
    assert.ok(!receiver.spans.some((candidate) => candidate.service === 'mcp-registry' && candidate.name.includes('/internal/')), 'route polls make no spans');
  });

  test('no token or user appears in any exported attribute', async () => {
    const everything = JSON.stringify(receiver.spans);
    assert.ok(!everything.includes(stack.adminToken));
    assert.ok(!everything.toLowerCase().includes('bearer'));
  });
});
