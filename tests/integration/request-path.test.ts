import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startStack, gatewayErrorCode, type Stack } from '../support/stack.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';

describe('the whole request path: MCP SDK client -> gateway -> auth-server -> upstream', () => {
  let stack: Stack;
  const clients: Client[] = [];
  const connect = async (path: string, token: string | undefined) => {
    const client = await connectClient(`${stack.gateway.url}${path}/mcp`, token);
    clients.push(client);
    return client;
  };

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await stack.close();
  });

  test('an administrator initialises, lists tools and calls current_time_by_timezone', async () => {
    const client = await connect('/currenttime', stack.adminToken);
    const { tools } = await client.listTools();
    assert.ok(tools.some((tool) => tool.name === 'current_time_by_timezone'));
    const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Europe/Paris' } });
    assert.notEqual(result.isError, true);
    const text = (result.content as Array<{ type: string; text: string }>)[0]?.text ?? '';
    assert.match(text, /\d{2}:\d{2}/);
  });

  test('a caller whose groups allow only other tools is refused the call with 403', async () => {
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const client = await connect('/notes', token);
    const allowed = await client.callTool({ name: 'list_notes', arguments: {} });
    assert.notEqual(allowed.isError, true);
    assert.equal(await httpStatusOfFailure(client.callTool({ name: 'add_note', arguments: { title: 't', body: 'b' } })), 403);
  });

  test('tools/list shows a restricted caller only the tools it may call', async () => {
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const client = await connect('/notes', token);
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    assert.deepEqual(names, ['get_note', 'list_notes']);
    const admin = await connect('/notes', stack.adminToken);
    const all = (await admin.listTools()).tools.map((tool) => tool.name);
    assert.ok(all.includes('add_note') && all.includes('delete_note'));
  });

  test('a scope from the token claim grants what its entry lists', async () => {
    const token = await stack.mint.token('carol', [], { scopes: ['notes/editor'] });
    const client = await connect('/notes', token);
    const added = await client.callTool({ name: 'add_note', arguments: { title: 'from carol', body: 'hello' } });
    assert.notEqual(added.isError, true);
    assert.equal(await httpStatusOfFailure(client.listPrompts()), 403);
  });

  test('no token, a forged token and an expired token are refused with 401 and a challenge', async () => {
    for (const token of [undefined, await stack.mint.forged('eve', ['mcp-registry-admin']), await stack.mint.expired('admin', ['mcp-registry-admin'])]) {
      assert.equal(await httpStatusOfFailure(connect('/currenttime', token)), 401);
    }
    const response = await fetch(`${stack.gateway.url}/currenttime/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
    const body = (await response.json()) as { id: unknown; error: unknown };
    assert.equal(body.id, 1);
  });

  test('a caller with no entry for a server cannot even initialise', async () => {
    const token = await stack.mint.token('dora', ['some-other-group']);
    assert.equal(await httpStatusOfFailure(connect('/currenttime', token)), 403);
  });

  test('a registration reaches the gateway without a restart; toggle and removal too', async () => {
    const response = await stack.register({
      server_name: 'second clock',
      path: '/clock2',
      proxy_pass_url: `${stack.upstreams.currenttime.url}/`,
    });
    assert.equal(response.status, 201);
    await stack.waitForRoute('/clock2');
    const client = await connect('/clock2', stack.adminToken);
    assert.ok((await client.listTools()).tools.length > 0);

    assert.equal((await stack.registryApi('POST', '/api/servers/clock2/toggle', { enabled: false })).status, 200);
    await stack.waitForRoute('/clock2', (status, code) => status === 503 && code === 'GW_SERVER_DISABLED');

    assert.equal((await stack.registryApi('DELETE', '/api/servers/clock2')).status, 204);
    await stack.waitForRoute('/clock2', (status, code) => status === 404 && code === 'GW_ROUTE_NOT_FOUND');
  });

  test('an unknown path answers 404 with a JSON body', async () => {
    const response = await fetch(`${stack.gateway.url}/nowhere/mcp`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    assert.equal(response.status, 404);
    assert.equal(await gatewayErrorCode(response), 'GW_ROUTE_NOT_FOUND');
  });

  test('malformed JSON gets a JSON-RPC parse error', async () => {
    const response = await fetch(`${stack.gateway.url}/currenttime/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc": "2.0", "id": 1, "method": ',
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: number } };
    assert.equal(body.error.code, -32700);
  });
});
