import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startAuthServer, type RunningAuthServer } from '../../auth-server/src/start-auth-server.js';
import type { RunningRegistry } from '../../registry/src/start-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/src/start-gateway.js';
import { loadSessionKeys } from '../../gateway/src/sessions/session-keys.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { entry, eventually, startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { postgresSkipReason } from '../support/postgres.js';
import { skipWithoutRedis, TEST_REDIS_URL, uniqueKeyPrefix } from './support/redis.js';

const SCOPES = `
group_mappings:
  admins: [registry-admin, servers/all]
  users: [servers/all]
  limited: [servers/all]
UI-Scopes:
  registry-admin:
    list_service: [all]
    register_service: [all]
    modify_service: [all]
    delete_service: [all]
servers/all:
  - server: '*'
    methods: [all]
    tools: [all]
`;

const skip = (await postgresSkipReason()) || (await skipWithoutRedis());
const silent = pino({ level: 'silent' });

/**
 * Two hosts' worth of services on 127.0.0.1: two registry replicas on one PostgreSQL schema, two
 * auth-servers on one scopes.yml, two gateways sharing Redis and a session key, in front of two
 * replicas of one MCP server. Each gateway talks to its own auth-server and registry, as on its host.
 */
describe('two hosts: registries on PostgreSQL, gateways on Redis', { skip }, () => {
  let registry: TestRegistry;
  let secondRegistry: RunningRegistry;
  const auths: RunningAuthServer[] = [];
  const gateways: RunningGateway[] = [];
  let replicas: McpUpstream[];
  let admin: string;
  const sessionKeys = loadSessionKeys({ secret: 'two-hosts-session-secret-0123456789abcdef' });
  const keyPrefix = uniqueKeyPrefix();

  before(async () => {
    registry = await startTestRegistry(SCOPES, { backend: 'postgres' });
    secondRegistry = await registry.replica();
    for (let host = 0; host < 2; host += 1) {
      auths.push(await startAuthServer({ port: 0, dataDir: registry.dataDir, scopesFile: registry.scopesFile, logger: silent }));
    }
    for (const [host, registryUrl] of [registry.url, secondRegistry.url].entries()) {
      gateways.push(await startGateway({
        port: 0,
        authUrl: (auths[host] as RunningAuthServer).url,
        registryUrl,
        internalToken: registry.internalToken,
        routesPollMs: 50,
        logger: silent,
        sessionKeys,
        redis: { url: TEST_REDIS_URL, keyPrefix },
      }));
    }
    replicas = [await startMcpUpstream({ enableJsonResponse: true }), await startMcpUpstream({ enableJsonResponse: false })];
    admin = await registry.token(['admins']);
    const urls = replicas.map((replica) => `${replica.url}/`);
    const registered = await fetch(`${secondRegistry.url}/api/servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(entry('/flights', { proxy_pass_url: urls[0], proxy_pass_urls: urls, rate_limit: { tools: { book: { requests: 6, per_seconds: 3600 } } } })),
    });
    assert.equal(registered.status, 201, await registered.text());
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    for (const auth of auths) await auth.close();
    for (const replica of replicas ?? []) await replica.close();
    await secondRegistry?.close();
    await registry?.close();
  });

  const url = (gateway: RunningGateway) => `${gateway.url}/flights/mcp`;
  const connect = async (gateway: RunningGateway, token: string, sessionId?: string) => {
    const transport = new StreamableHTTPClientTransport(new URL(url(gateway)), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      ...(sessionId ? { sessionId } : {}),
    });
    const client = new Client({ name: 'two-hosts', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  };
  const post = (gateway: RunningGateway, token: string, body: unknown) =>
    fetch(url(gateway), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(body),
    });

  test('a server registered through one registry replica is served by both gateways within a second', async () => {
    const token = await registry.token(['users']);
    for (const gateway of gateways) {
      await eventually(async () => (await post(gateway, token, { jsonrpc: '2.0', id: 1, method: 'ping' })).status !== 404, 'the route on every gateway');
    }
  });

  test('sessions started through either gateway continue through the other, on their replica', async () => {
    const token = await registry.token(['users']);
    for (const [from, to] of [[0, 1], [1, 0], [0, 1], [1, 0]] as const) {
      const started = await connect(gateways[from] as RunningGateway, token);
      const resumed = await connect(gateways[to] as RunningGateway, token, started.transport.sessionId);
      const result = await resumed.client.callTool({ name: 'add', arguments: { a: 2, b: from } });
      assert.deepEqual(result.content, [{ type: 'text', text: String(2 + from) }]);
      await resumed.client.close();
      await started.client.close();
    }
    assert.ok(replicas.every((replica) => replica.seenHeaders.length > 0), 'both replicas hold sessions');
  });

  test('a tool limit from the registry holds across both gateways', async () => {
    const token = await registry.mint.token('dave', ['users']);
    const { client, transport } = await connect(gateways[0] as RunningGateway, token);
    const sessionId = transport.sessionId as string;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const gateway = gateways[i % 2] as RunningGateway;
      const response = await fetch(url(gateway), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'book', arguments: {} } }),
      });
      await response.text();
      statuses.push(response.status);
    }
    assert.equal(statuses.filter((status) => status !== 429).length, 6, `six calls of the tool in all: ${statuses.join(',')}`);
    await client.close();
  });

  test('a group limit added to scopes.yml reaches both auth-servers and holds across both gateways', async () => {
    await registry.writeScopes(`${SCOPES}rate_limits:\n  limited: { requests: 4, per_seconds: 3600 }\n`);
    const token = await registry.token(['limited']);
    await eventually(async () => auths.every((auth) => auth.scopes.policy.source.rate_limits !== undefined), 'both auth-servers reloading scopes.yml');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await post(gateways[i % 2] as RunningGateway, token, { jsonrpc: '2.0', id: i, method: 'ping' })).status);
    assert.deepEqual(statuses.slice(4), [429, 429, 429, 429]);
    assert.ok(statuses.slice(0, 4).every((status) => status !== 429));
  });

  test('a gateway that stops loses nothing the other one had: its sessions continue through the other', async () => {
    const token = await registry.token(['users']);
    const started = await connect(gateways[0] as RunningGateway, token);
    const sessionId = started.transport.sessionId as string;
    await (gateways[0] as RunningGateway).close();
    const resumed = await connect(gateways[1] as RunningGateway, token, sessionId);
    const result = await resumed.client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    assert.deepEqual(result.content, [{ type: 'text', text: 'echo: still here' }]);
    await resumed.client.close();
    await started.client.close().catch(() => undefined);
  });
});
