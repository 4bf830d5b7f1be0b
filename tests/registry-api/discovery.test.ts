import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startAuthServer } from '../../auth-server/src/start-auth-server.js';
import { startGateway } from '../../gateway/src/start-gateway.js';
import { startRegistry } from '../../registry/src/start-registry.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { entry, eventually, startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { freePort } from '../support/free-port.js';
import { connectClient } from '../support/mcp-client.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';
import { REGISTRY_API_SCOPES } from './support/registry-api-scopes.js';

const GATEWAY = 'https://gateway.example.com';
const NS = 'com.example.gw';

interface DiscoveredServer {
  name: string;
  server_name: string;
  path: string;
  version: string;
  transports: Array<{ type: string; url: string }>;
}

describe('discovery for machines: /.well-known/mcp-servers and the registry card', () => {
  let registry: TestRegistry;
  let admin: string;
  const saved = { url: process.env.GATEWAY_PUBLIC_URL, ns: process.env.MCP_REGISTRY_NAMESPACE };

  before(async () => {
    process.env.GATEWAY_PUBLIC_URL = GATEWAY;
    process.env.MCP_REGISTRY_NAMESPACE = NS;
    registry = await startTestRegistry(REGISTRY_API_SCOPES);
    admin = await registry.token(['admins']);
    const servers = [
      entry('/currenttime', { supported_transports: ['streamable-http', 'sse'] }),
      entry('/notes'),
      entry('/team/weather', { supported_transports: ['sse', 'websocket'] }),
      entry('/retired', { enabled: false }),
    ];
    for (const server of servers) await registry.http().post('/api/servers').set('authorization', `Bearer ${admin}`).send(server).expect(201);
  });
  after(async () => {
    await registry.close();
    for (const [key, value] of [['GATEWAY_PUBLIC_URL', saved.url], ['MCP_REGISTRY_NAMESPACE', saved.ns]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const discover = async (groups: string[]): Promise<DiscoveredServer[]> => {
    const response = await registry.http().get('/.well-known/mcp-servers').set('authorization', `Bearer ${await registry.token(groups)}`).expect(200);
    assert.equal(response.body.gateway_url, GATEWAY);
    assert.equal(response.body.registry, '/.well-known/mcp-registry');
    return response.body.servers as DiscoveredServer[];
  };

  test('the registry card is public and every endpoint it names answers', async () => {
    const card = (await registry.http().get('/.well-known/mcp-registry').expect(200)).body;
    const { version } = JSON.parse(readFileSync('registry/package.json', 'utf8')) as { version: string };
    assert.equal(card.version, version);
    assert.equal(card.namespace, NS);
    assert.equal(card.gateway_url, GATEWAY);
    assert.deepEqual(card.endpoints.mcp_registry_api.prefixes, ['/v0.1', '/v0']);
    assert.equal(card.authentication.scheme, 'bearer');
    assert.equal(card.authentication.jwks_uri, '/.well-known/jwks.json');
    const { mcp_registry_api: api, ...paths } = card.endpoints as Record<string, unknown> & { mcp_registry_api: { servers: string; prefixes: string[] } };
    for (const endpoint of [...Object.values(paths), api.servers, ...api.prefixes.map((prefix) => `${prefix}/servers`)] as string[]) {
      await registry.http().get(endpoint).set('authorization', `Bearer ${admin}`).expect(200);
    }
  });

  test('mcp-servers needs a token', async () => {
    const response = await registry.http().get('/.well-known/mcp-servers').expect(401);
    assert.equal(response.body.error.code, 'AUTH_TOKEN_MISSING');
    assert.match(String(response.headers['www-authenticate']), /^Bearer /);
  });

  test('an administrator finds every enabled server with its gateway URLs, named as in the MCP Registry API', async () => {
    const servers = await discover(['admins']);
    assert.deepEqual(
      servers.map((s) => [s.name, s.path, s.transports]),
      [
        [`${NS}/currenttime`, '/currenttime', [{ type: 'streamable-http', url: `${GATEWAY}/currenttime/mcp` }, { type: 'sse', url: `${GATEWAY}/currenttime/sse` }]],
        [`${NS}/notes`, '/notes', [{ type: 'streamable-http', url: `${GATEWAY}/notes/mcp` }]],
        [`${NS}/team.weather`, '/team/weather', [{ type: 'sse', url: `${GATEWAY}/team/weather/sse` }]],
      ],
    );
    const listed = (await registry.http().get('/v0.1/servers').set('authorization', `Bearer ${admin}`).expect(200)).body as {
      servers: Array<{ server: { name: string; version: string; remotes?: Array<{ type: string; url: string }> } }>;
    };
    assert.deepEqual(
      servers.map((s) => [s.name, s.version, s.transports]),
      listed.servers.map(({ server }) => [server.name, server.version, (server.remotes ?? []).map(({ type, url }) => ({ type, url }))]),
    );
  });

  test('a caller finds only servers it may list and reach through the gateway', async () => {
    assert.deepEqual((await discover(['team'])).map((s) => s.path), ['/currenttime', '/team/weather']);
    assert.deepEqual(await discover(['readers']), []);
    assert.deepEqual(await discover(['publishers']), []);
    assert.deepEqual(await discover([]), []);
  });

  test('a scopes.yml edit changes what a caller finds', async () => {
    await registry.writeScopes(REGISTRY_API_SCOPES.replace('readers: [registry-reader]', 'readers: [registry-reader, servers-all]'));
    try {
      await eventually(async () => (await discover(['readers'])).length === 3, 'readers to reach every server');
    } finally {
      await registry.writeScopes(REGISTRY_API_SCOPES);
    }
    await eventually(async () => (await discover(['readers'])).length === 0, 'the scopes to be restored');
  });
});

describe('discovery end to end: a client connects through the URLs it discovered', () => {
  const closables: Array<{ close(): Promise<void> }> = [];
  const temp = makeTempDir('mcpgw-discovery-');
  let registryUrl = '';
  let token = '';

  before(async () => {
    const silent = pino({ level: 'silent' });
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    writeFileSync(scopesFile, REGISTRY_API_SCOPES);
    const internalToken = 'discovery-internal-token-0123456789abcdef0123';
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const registry = await startRegistry({
      port: 0,
      dataDir: temp.dir,
      scopesFile,
      logger: silent,
      internalToken,
      mcpRegistry: { namespace: NS, gatewayUrl },
    });
    closables.push(registry);
    registryUrl = registry.url;
    const auth = await startAuthServer({ port: 0, dataDir: temp.dir, scopesFile, logger: silent });
    closables.push(auth);
    closables.push(await startGateway({ port: gatewayPort, authUrl: auth.url, registryUrl, internalToken, routesPollMs: 50, logger: silent }));
    const upstream = await startExampleServer('currenttime', { port: 0, logger: silent });
    closables.push(upstream);

    const mint = await TokenMint.forDataDir(temp.dir);
    const admin = await mint.token('admin', ['admins']);
    token = await mint.token('teammate', ['team']);
    const registered = await fetch(`${registryUrl}/api/servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ server_name: 'Current Time', path: '/currenttime', proxy_pass_url: `${upstream.url}/`, supported_transports: ['streamable-http', 'sse'] }),
    });
    assert.equal(registered.status, 201);
  });
  after(async () => {
    for (const closable of closables.reverse()) await closable.close().catch(() => undefined);
    temp.remove();
  });

  test('the discovered Streamable HTTP and SSE URLs reach the server through the gateway', async () => {
    const response = await fetch(`${registryUrl}/.well-known/mcp-servers`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const { servers } = (await response.json()) as { servers: DiscoveredServer[] };
    assert.deepEqual(servers.map((s) => s.name), [`${NS}/currenttime`]);
    const urlOf = (type: string): string => servers[0]?.transports.find((t) => t.type === type)?.url ?? assert.fail(`no ${type} transport`);

    let tools: string[] = [];
    await eventually(async () => {
      try {
        const client = await connectClient(urlOf('streamable-http'), token);
        try {
          tools = (await client.listTools()).tools.map((tool) => tool.name);
        } finally {
          await client.close();
        }
        return true;
      } catch {
        return false; // the gateway has not polled the new route yet
      }
    }, 'the gateway to route the discovered URL');
    assert.deepEqual(tools, ['current_time_by_timezone']);

    const sse = new Client({ name: 'discovery-test', version: '1.0.0' });
    const headers = { authorization: `Bearer ${token}` };
    await sse.connect(new SSEClientTransport(new URL(urlOf('sse')), { requestInit: { headers }, eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) } }));
    try {
      assert.deepEqual((await sse.listTools()).tools.map((tool) => tool.name), ['current_time_by_timezone']);
    } finally {
      await sse.close();
    }
  });
});
