import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startStack, type Stack } from '../support/stack.js';
import { withAdministrator } from '../support/scopes.js';
import { startPagedUpstream, type PagedUpstream } from './support/paged-upstream.js';

const SCOPES = withAdministrator(`
group_mappings:
  partial: [partial-access]
  editors: [echoer-editor]
partial-access:
  - server: echoer
    methods: [tools/list, tools/call]
    tools: [echo]
UI-Scopes:
  echoer-editor:
    list_service: [all]
    modify_service: [/echoer]
`);
const textOf = (result: Record<string, unknown>) => ((result.content ?? []) as Array<{ text?: string }>).map((item) => item.text ?? '').join('\n');

/**
 * Connects once the gateway knows the virtual server: a definition reaches gateways with their next poll
 * of the route feed, as a registration does.
 */
async function connect(url: string, token: string): Promise<Client> {
  for (let attempt = 0; ; attempt += 1) {
    const client = new Client({ name: 'named-virtual-test', version: '1.0.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      return client;
    } catch (error) {
      if (attempt >= 50 || !String(error).includes('GW_ROUTE_NOT_FOUND')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('named virtual servers: defined in the registry, served at /virtual/<name>/mcp', () => {
  let stack: Stack;
  let echoer: PagedUpstream;
  let other: PagedUpstream;

  const definition = {
    description: 'echo and the time',
    prefix_mode: 'collision',
    members: [
      { server: 'echoer', tools: ['echo', 'tool-001'], aliases: { 'tool-001': 'first' }, descriptions: { echo: 'Repeat a message' } },
      { server: '/other', tools: ['echo'] },
      { server: '/currenttime' },
    ],
  };

  before(async () => {
    [echoer, other] = await Promise.all([startPagedUpstream({ toolCount: 5, pageSize: 2, label: 'echoer' }), startPagedUpstream({ toolCount: 2, pageSize: 5, label: 'other' })]);
    stack = await startStack({ scopes: SCOPES });
    for (const [path, upstream] of [['/echoer', echoer], ['/other', other]] as const) {
      assert.equal((await stack.register({ server_name: path.slice(1), path, proxy_pass_url: `${upstream.url}/`, supported_transports: ['streamable-http'] })).status, 201);
      await stack.waitForRoute(path);
    }
  });
  after(async () => {
    await stack?.close();
    await Promise.all([echoer?.close(), other?.close()]);
  });

  test('the registry validates, stores with a revision and lists a definition; members are canonical', async () => {
    const invalid = await stack.registryApi('PUT', '/api/virtual-servers/research', { members: [] });
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { error: { code: string } }).error.code, 'REGISTRY_INVALID_VIRTUAL_SERVER');
    const badName = await stack.registryApi('PUT', '/api/virtual-servers/Bad_Name', definition);
    assert.equal(badName.status, 400);

    const created = await stack.registryApi('PUT', '/api/virtual-servers/research', definition);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    const entry = (await created.json()) as { members: Array<{ server: string }>; revision: number };
    assert.deepEqual(entry.members.map((member) => member.server), ['/echoer', '/other', '/currenttime']);
    const listed = (await (await stack.registryApi('GET', '/api/virtual-servers')).json()) as { virtual_servers: Array<{ name: string }> };
    assert.deepEqual(listed.virtual_servers.map((server) => server.name), ['research']);
  });

  test('it offers only the chosen tools, with aliases, descriptions and collision prefixes, and calls reach the right member', async () => {
    await stack.registryApi('PUT', '/api/virtual-servers/research', definition);
    const client = await connect(`${stack.gateway.url}/virtual/research/mcp`, stack.adminToken);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ['current_time_by_timezone', 'echoer__echo', 'first', 'other__echo']);
      assert.equal(tools.find((tool) => tool.name === 'echoer__echo')?.description, 'Repeat a message');
      assert.equal(textOf(await client.callTool({ name: 'first', arguments: { message: 'a' } })), 'echoer tool-001: a');
      assert.equal(textOf(await client.callTool({ name: 'other__echo', arguments: { message: 'b' } })), 'other echo: b');
      await assert.rejects(client.callTool({ name: 'echoer__tool-002', arguments: {} }), /unknown tool/);
    } finally {
      await client.close();
    }
  });

  test('a virtual server never widens access: a caller limited to echoer/echo sees only that', async () => {
    await stack.registryApi('PUT', '/api/virtual-servers/research', definition);
    const client = await connect(`${stack.gateway.url}/virtual/research/mcp`, await stack.mint.token('limited', ['partial']));
    try {
      assert.deepEqual((await client.listTools()).tools.map((tool) => tool.name), ['echo']);
      await assert.rejects(client.callTool({ name: 'first', arguments: {} }));
    } finally {
      await client.close();
    }
  });

  test('only callers who may modify every member may define one; an unknown name is 404 at the gateway', async () => {
    const editor = await stack.mint.token('editor', ['editors']);
    const put = (body: unknown) =>
      fetch(`${stack.registry.url}/api/virtual-servers/mine`, { method: 'PUT', headers: { authorization: `Bearer ${editor}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await put({ members: [{ server: '/echoer' }] })).status, 201);
    const refused = await put({ members: [{ server: '/echoer' }, { server: '/currenttime' }] });
    assert.equal(refused.status, 403);
    const missing = await fetch(`${stack.gateway.url}/virtual/nothing-here/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    assert.equal(missing.status, 404);
  });

  test('a stale If-Match is a conflict; delete removes it from the gateway', async () => {
    const current = (await (await stack.registryApi('GET', '/api/virtual-servers/research')).json()) as { revision: number };
    const stale = await fetch(`${stack.registry.url}/api/virtual-servers/research`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', 'if-match': `"${current.revision - 1}"` },
      body: JSON.stringify(definition),
    });
    assert.equal(stale.status, 409);
    assert.equal((await stack.registryApi('DELETE', '/api/virtual-servers/research')).status, 204);
    assert.equal((await stack.registryApi('GET', '/api/virtual-servers/research')).status, 404);
  });
});
