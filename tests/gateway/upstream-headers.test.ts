import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { normaliseHeaderName, RESERVED_HEADER_NAMES } from '@mcpgw/lib/check/check-contract.js';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route } from './support/route-feed-server.js';

/** Spellings of identity headers a client might send to pass as someone else. */
const SPOOFED = [
  'X-User', 'x-user', 'X-USER', 'x_user', 'X_User', 'X-Username', 'x_username', 'X-Client-Id', 'x_client_id',
  'X_SCOPES', 'X-Scopes', 'x-scopes', 'X-Auth-Method', 'x_auth_method', 'X-Groups', 'X_GROUPS', 'X-Allowed-Tools',
  'x_allowed_tools', 'X-User-Id', 'X-Gateway-Identity', 'x_gateway_identity', 'X-Email', 'X-Forwarded-User', 'x_forwarded_email', 'X-Forwarded-Groups',
  'X-Forwarded-Preferred-Username', 'X-Auth-Request-User', 'x_auth_request_email', 'X-Auth-Request-Groups',
  'X-Auth-Request-Access-Token', 'X-Original-URL', 'X-Server-Path', 'X-MCP-Method', 'x_mcp_tool', 'X-Body',
];

describe('headers on the way upstream', () => {
  let stack: GatewayStack;
  let upstream: RecordingUpstream;

  before(async () => {
    upstream = await startRecordingUpstream();
    stack = await startGatewayStack([route('/echo', `${upstream.url}/`)]);
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  /** Raw header pairs go out exactly as spelled; Node adds no Host to them, so one is added here. */
  const send = (headers: string[]) =>
    rawRequest(`${stack.gateway.url}/echo/mcp`, {
      headers: headers.some((name) => name.toLowerCase() === 'host') ? headers : ['Host', new URL(stack.gateway.url).host, ...headers],
    });
  const rawPairs = () => {
    const raw = upstream.received.at(-1)!.rawHeaders;
    const pairs: Array<[string, string]> = [];
    for (let index = 0; index < raw.length; index += 2) pairs.push([raw[index]!, raw[index + 1]!]);
    return pairs;
  };

  test('every client spelling of a reserved header is removed; only the auth-server identity arrives', async () => {
    const spoofs = SPOOFED.flatMap((name) => [name, 'admin']);
    const response = await send(['Authorization', `Bearer ${stack.token}`, ...spoofs]);
    assert.equal(response.status, 200);
    const reserved = rawPairs().filter(([name]) => RESERVED_HEADER_NAMES.has(normaliseHeaderName(name)));
    assert.ok(reserved.every(([, value]) => value !== 'admin'), `spoofed header arrived: ${JSON.stringify(reserved)}`);
    const { 'x-gateway-identity': attestation, ...identity } = Object.fromEntries(reserved.map(([name, value]) => [name.toLowerCase(), value]));
    assert.match(attestation ?? '', /^v1\.\d+\.[A-Za-z0-9_-]{43}$/, 'the gateway attests the identity it sets');
    assert.deepEqual(identity, {
      'x-user': 'alice',
      'x-username': 'alice',
      'x-client-id': 'mcpgw-cli',
      'x-scopes': '',
      'x-auth-method': 'registry-token',
      'x-groups': 'users',
    });
    assert.equal(reserved.length, 7, 'each identity header and the attestation arrive exactly once');
  });

  test('with only Authorization, the ingress token is removed', async () => {
    await send(['Authorization', `Bearer ${stack.token}`]);
    const received = upstream.received.at(-1)!;
    assert.equal(received.headers.authorization, undefined);
    assert.ok(!received.rawHeaders.some((value) => value.includes(stack.token)));
  });

  test('with X-Authorization, the ingress token is removed and Authorization passes untouched', async () => {
    await send(['X-Authorization', `Bearer ${stack.token}`, 'Authorization', 'Bearer egress-token-for-upstream']);
    const received = upstream.received.at(-1)!;
    assert.equal(stack.auth.calls.at(-1)!['x-authorization'], `Bearer ${stack.token}`);
    assert.equal(received.headers.authorization, 'Bearer egress-token-for-upstream');
    assert.equal(received.headers['x-authorization'], undefined);
    assert.ok(!received.rawHeaders.some((value) => value.includes(stack.token)));
  });

  test('an X_Authorization spelling is never forwarded, and then Authorization counts as the ingress token', async () => {
    await send(['X_Authorization', 'Bearer sneaky', 'Authorization', `Bearer ${stack.token}`]);
    const received = upstream.received.at(-1)!;
    assert.equal(received.headers.authorization, undefined);
    assert.ok(!received.rawHeaders.some((value) => value.includes(stack.token) || value.includes('sneaky')));
  });

  test('sets X-Forwarded-For, -Proto, -Host and the upstream Host', async () => {
    await send(['Authorization', `Bearer ${stack.token}`, 'Host', 'gw.example:8000']);
    const headers = upstream.received.at(-1)!.headers;
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-forwarded-host'], 'gw.example:8000');
    assert.equal(headers.host, new URL(upstream.url).host);
  });

  test('passes other client headers and drops hop-by-hop ones', async () => {
    await send(['Authorization', `Bearer ${stack.token}`, 'X-Custom', 'kept', 'Connection', 'keep-alive, X-Hop', 'X-Hop', 'dropped', 'TE', 'trailers']);
    const headers = upstream.received.at(-1)!.headers;
    assert.equal(headers['x-custom'], 'kept');
    assert.equal(headers['x-hop'], undefined);
    assert.equal(headers.te, undefined);
  });

  test('propagates the client X-Request-Id and returns it', async () => {
    const response = await send(['Authorization', `Bearer ${stack.token}`, 'X-Request-Id', 'client-id-1']);
    assert.equal(response.headers['x-request-id'], 'client-id-1');
    assert.equal(upstream.received.at(-1)!.headers['x-request-id'], 'client-id-1');
    assert.equal(stack.auth.calls.at(-1)!['x-request-id'], 'client-id-1');
  });

  test('generates an X-Request-Id when the client sent none or an unusable one', async () => {
    for (const extra of [[], ['X-Request-Id', 'bad id with spaces']]) {
      const response = await send(['Authorization', `Bearer ${stack.token}`, ...extra]);
      const generated = response.headers['x-request-id'];
      assert.match(String(generated), /^[0-9a-f-]{36}$/);
      assert.equal(upstream.received.at(-1)!.headers['x-request-id'], generated);
    }
  });

  test('gateway errors carry the X-Request-Id too', async () => {
    const response = await rawRequest(`${stack.gateway.url}/nowhere`, { headers: { 'x-request-id': 'err-1' } });
    assert.equal(response.status, 404);
    assert.equal(response.headers['x-request-id'], 'err-1');
  });
});
