import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../support/stack.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { rawRequest } from '../gateway/support/raw-request.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

describe('Origin checks and CORS for browser clients', () => {
  let stack: Stack;
  let upstream: RecordingUpstream;

  before(async () => {
    upstream = await startRecordingUpstream();
    upstream.handler = (request, res) => {
      const id = (JSON.parse(request.body.toString('utf8') || '{}') as { id?: unknown }).id ?? null;
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'browser-session', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: {} }));
    };
    stack = await startStack({ gateway: { allowedOrigins: [ALLOWED] } });
    const registered = await stack.register({ server_name: 'recorded', path: '/recorded', proxy_pass_url: `${upstream.url}/` });
    assert.equal(registered.status, 201);
    await stack.waitForRoute('/recorded');
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const mcpUrl = () => `${stack.gateway.url}/recorded/mcp`;
  const post = (headers: Record<string, string>, id: number | string = 7) =>
    rawRequest(mcpUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }),
    });

  test('a preflight from an allowed origin is answered by the gateway itself, without a token', async () => {
    const before = upstream.received.length;
    const response = await rawRequest(mcpUrl(), {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-session-id' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED);
    const allowedHeaders = String(response.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/);
    for (const name of ['authorization', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'content-type']) {
      assert.ok(allowedHeaders.includes(name), `${name} may be sent`);
    }
    assert.match(String(response.headers['access-control-allow-methods']), /POST/);
    assert.match(String(response.headers['access-control-expose-headers']), /Mcp-Session-Id/);
    assert.match(String(response.headers.vary), /Origin/);
    assert.equal(upstream.received.length, before, 'the preflight never reaches the upstream');
  });

  test('a preflight from another origin is refused with 403', async () => {
    const response = await rawRequest(mcpUrl(), { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'POST' } });
    assert.equal(response.status, 403);
    assert.equal(response.json().error.code, 'GW_ORIGIN_FORBIDDEN');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  test('a POST from another origin gets a JSON-RPC 403 with its id, and nothing reaches the upstream', async () => {
    const before = upstream.received.length;
    const response = await post({ authorization: `Bearer ${stack.adminToken}`, origin: OTHER }, 'req-9');
    assert.equal(response.status, 403);
    const body = response.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, 'req-9');
    assert.equal(body.error.data.code, 'GW_ORIGIN_FORBIDDEN');
    assert.equal(upstream.received.length, before);
  });

  test('a GET from another origin gets a plain JSON 403', async () => {
    const response = await rawRequest(mcpUrl(), { headers: { authorization: `Bearer ${stack.adminToken}`, origin: OTHER, accept: 'text/event-stream' } });
    assert.equal(response.status, 403);
    assert.equal(response.json().error.code, 'GW_ORIGIN_FORBIDDEN');
  });

  test('an allowed origin gets the answer with CORS headers the gateway sets, the upstream\'s own dropped', async () => {
    const response = await post({ authorization: `Bearer ${stack.adminToken}`, origin: ALLOWED });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED);
    assert.match(String(response.headers['access-control-expose-headers']), /Mcp-Session-Id/);
    assert.equal(response.headers['mcp-session-id'], 'browser-session');
  });

  test('errors for an allowed origin are readable by the browser, the challenge included', async () => {
    const response = await post({ origin: ALLOWED });
    assert.equal(response.status, 401);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED);
    assert.match(String(response.headers['access-control-expose-headers']), /WWW-Authenticate/);
    assert.ok(response.headers['www-authenticate']);
  });

  test('clients that send no Origin, and pages of the gateway\'s own origin, need no allow-list', async () => {
    assert.equal((await post({ authorization: `Bearer ${stack.adminToken}` })).status, 200);
    const own = await post({ authorization: `Bearer ${stack.adminToken}`, origin: stack.gateway.url });
    assert.equal(own.status, 200);
    assert.equal(own.headers['access-control-allow-origin'], undefined);
  });
});
