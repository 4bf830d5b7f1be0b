import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startGateway, type RunningGateway } from '../../gateway/src/start-gateway.js';
import { createSessionSealer } from '../../gateway/src/sessions/seal-session-id.js';
import { loadSessionKeys, SESSION_KEY_FILE, type SessionKeyring } from '../../gateway/src/sessions/session-keys.js';
import { silentLogger, startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route, TEST_INTERNAL_TOKEN } from '../gateway/support/route-feed-server.js';
import { makeTempDir } from '../support/temp-dir.js';

const SECRET = 'session-secret-for-tests-0123456789abcdef';
const NEXT_SECRET = 'rotated-session-secret-for-tests-0123456789';

describe('session affinity with sealed session ids', () => {
  let replicas: McpUpstream[];
  let stack: GatewayStack;
  let second: RunningGateway;
  const extra: RunningGateway[] = [];
  const keys = loadSessionKeys({ secret: SECRET });

  const gatewayWith = async (sessionKeys: SessionKeyring): Promise<RunningGateway> => {
    const gateway = await startGateway({
      port: 0,
      authUrl: stack.auth.url,
      registryUrl: stack.feed.url,
      internalToken: TEST_INTERNAL_TOKEN,
      routesPollMs: 25,
      logger: silentLogger,
      sessionKeys,
    });
    extra.push(gateway);
    return gateway;
  };

  before(async () => {
    replicas = [await startMcpUpstream({ enableJsonResponse: false, resumable: { retryIntervalMs: 1000 } }), await startMcpUpstream({ enableJsonResponse: true })];
    const urls = replicas.map((replica) => `${replica.url}/`);
    stack = await startGatewayStack([{ ...route('/weather', urls[0] as string), proxyPassUrls: urls }], { sessionKeys: keys });
    second = await gatewayWith(keys);
  });
  after(async () => {
    for (const gateway of extra) await gateway.close();
    await stack.close();
    for (const replica of replicas) await replica.close();
  });

  const connect = async (gatewayUrl: string, token: string, sessionId?: string) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/weather/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      ...(sessionId ? { sessionId } : {}),
    });
    const client = new Client({ name: 'scale-tests', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  };
  const upstreamSessions = () => replicas.flatMap((replica) => [...replica.sessions]);
  const post = (gatewayUrl: string, token: string, sessionId: string) =>
    rawRequest(`${gatewayUrl}/weather/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
    });

  test('a session started through one gateway continues through another, always on its replica', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const { client, transport } = await connect(stack.gateway.url, stack.token);
      const sessionId = transport.sessionId as string;
      assert.ok(sessionId.startsWith(`${keys.current.id}.`), 'the client sees the gateway\'s sealed id');
      assert.ok(!upstreamSessions().includes(sessionId), 'never the upstream\'s own');
      const resumed = await connect(second.url, stack.token, sessionId);
      for (let call = 0; call < 4; call += 1) {
        const result = await resumed.client.callTool({ name: 'echo', arguments: { text: `hello ${call}` } });
        assert.deepEqual(result.content, [{ type: 'text', text: `echo: hello ${call}` }]);
      }
      await resumed.client.close();
      await client.close();
    }
    assert.ok(replicas.every((replica) => replica.seenHeaders.length > 0), 'sessions were spread over both replicas');
  });

  test('a session id used with another caller\'s token is refused', async () => {
    const { client, transport } = await connect(stack.gateway.url, stack.token);
    const bob = await stack.mint.token('bob', ['users']);
    const refused = await post(second.url, bob, transport.sessionId as string);
    assert.equal(refused.status, 403);
    assert.equal(refused.json().error.data.code, 'GW_SESSION_FORBIDDEN');
    assert.equal(refused.json().id, 7);
    assert.equal((await post(second.url, stack.token, transport.sessionId as string)).status, 200);
    await client.close();
  });

  test('an id the gateway did not seal, or altered, is unknown (404)', async () => {
    const { client, transport } = await connect(stack.gateway.url, stack.token);
    const sealed = transport.sessionId as string;
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    for (const forged of [upstreamSessions()[0] as string, flipped, `${keys.current.id}.`, 'x'.repeat(5000)]) {
      const refused = await post(stack.gateway.url, stack.token, forged);
      assert.equal(refused.status, 404, forged.slice(0, 40));
      assert.equal(refused.json().error.data.code, 'GW_SESSION_UNKNOWN');
    }
    await client.close();
  });

  test('GET event streams with Last-Event-ID and DELETE follow the session to its replica', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const initialize = await rawRequest(`${stack.gateway.url}/weather/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
        }),
      });
      assert.equal(initialize.status, 200);
      const sessionId = String(initialize.headers['mcp-session-id']);
      const headers = { authorization: `Bearer ${stack.token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
      const abort = new AbortController();
      const stream = await fetch(`${second.url}/weather/mcp`, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': 'none' }, signal: abort.signal });
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
      abort.abort();
      const before = upstreamSessions().length;
      const deleted = await rawRequest(`${second.url}/weather/mcp`, { method: 'DELETE', headers });
      assert.equal(deleted.status, 200);
      assert.equal(upstreamSessions().length, before - 1, 'the replica holding the session ended it');
    }
  });

  test('after a key rotation, ids sealed with the previous key still open; without it they are unknown', async () => {
    const { client, transport } = await connect(stack.gateway.url, stack.token);
    const rotated = await gatewayWith(loadSessionKeys({ secret: NEXT_SECRET, previous: [SECRET] }));
    const fresh = await gatewayWith(loadSessionKeys({ secret: NEXT_SECRET }));
    assert.equal((await post(rotated.url, stack.token, transport.sessionId as string)).status, 200);
    assert.equal((await post(fresh.url, stack.token, transport.sessionId as string)).status, 404);
    await client.close();
  });
});

describe('session keys', () => {
  test('without GATEWAY_SESSION_KEY, replicas sharing DATA_DIR derive the same key from one file', () => {
    const temp = makeTempDir('mcpgw-session-key-');
    try {
      const one = loadSessionKeys({ dataDir: temp.dir });
      const two = loadSessionKeys({ dataDir: temp.dir });
      assert.equal(one.current.id, two.current.id);
      assert.equal(statSync(path.join(temp.dir, SESSION_KEY_FILE)).mode & 0o777, 0o600);
      const sealed = createSessionSealer(one).seal({ upstreamId: 'abc', replica: 3 }, 'alice');
      assert.deepEqual(createSessionSealer(two).unseal(sealed, 'alice'), { upstreamId: 'abc', replica: 3 });
    } finally {
      temp.remove();
    }
  });

  test('a short secret is refused', () => {
    assert.throws(() => loadSessionKeys({ secret: 'short' }), /at least 32 characters/);
  });

  test('two seals of one session differ; each opens only for its caller', () => {
    const sealer = createSessionSealer(loadSessionKeys({ secret: SECRET }));
    const one = sealer.seal({ upstreamId: 'ü-session', replica: 1 }, 'alice');
    assert.notEqual(one, sealer.seal({ upstreamId: 'ü-session', replica: 1 }, 'alice'));
    assert.deepEqual(sealer.unseal(one, 'alice'), { upstreamId: 'ü-session', replica: 1 });
    assert.throws(() => sealer.unseal(one, 'bob'), { code: 'GW_SESSION_FORBIDDEN' });
  });
});
