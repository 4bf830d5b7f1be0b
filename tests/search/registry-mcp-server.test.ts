import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTITY_ATTESTATION_HEADER } from '@mcpgw/lib/check/check-contract.js';
import { attestationKey, attestIdentity } from '@mcpgw/lib/check/identity-attestation.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { withAdministrator } from '../support/scopes.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * finders may list the three example-ish servers and call the registry's read-only tools, the
 * currenttime tool and list_notes; the stack's administrator may do everything.
 */
const SCOPES = withAdministrator(`
group_mappings:
  finders: [finder-ui, finder-tools]
  togglers: [toggler-ui, toggler-tools]
UI-Scopes:
  finder-ui:
    list_service: [/currenttime, /notes, /mcpgw, /recorder]
  toggler-ui:
    list_service: [/notes]
    toggle_service: [/notes]
toggler-tools:
  - server: mcpgw
    methods: [tools/list, tools/call]
    tools: [toggle_service]
finder-tools:
  - server: mcpgw
    methods: [tools/list, tools/call]
    tools: [intelligent_tool_finder, list_services, healthcheck]
  - server: currenttime
    methods: [tools/list, tools/call]
    tools: [current_time_by_timezone]
  - server: notes
    methods: [tools/list, tools/call]
    tools: [list_notes]
  - server: recorder
    methods: [all]
    tools: [all]
`);

type ToolAnswer = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };

describe('the registry MCP server at /mcpgw/mcp, through the gateway', () => {
  let stack: Stack;
  let recorder: RecordingUpstream;
  let finderToken: string;
  before(async () => {
    stack = await startStack({ scopes: SCOPES });
    recorder = await startRecordingUpstream();
    const created = await stack.register({ server_name: 'mcpgw', path: '/mcpgw', proxy_pass_url: `${stack.registry.url}/mcpgw/`, supported_transports: ['streamable-http'] });
    assert.equal(created.status, 201, await created.text());
    await (await stack.register({ server_name: 'recorder', path: '/recorder', proxy_pass_url: `${recorder.url}/` })).text();
    const toolLists: Record<string, unknown[]> = {
      currenttime: [{ name: 'current_time_by_timezone', description: 'The current date and time in an IANA time zone.', inputSchema: { type: 'object', properties: { tz_name: { type: 'string' } } } }],
      notes: [
        { name: 'list_notes', description: 'The id and title of every note.', inputSchema: { type: 'object' } },
        { name: 'delete_note', description: 'Deletes a note for good.', inputSchema: { type: 'object', properties: { id: { type: 'string' } } } },
      ],
    };
    for (const [name, tool_list] of Object.entries(toolLists)) {
      const patched = await stack.registryApi('PATCH', `/api/servers/${name}`, { tool_list });
      assert.equal(patched.status, 200, await patched.text());
    }
    await stack.waitForRoute('/mcpgw');
    await stack.waitForRoute('/recorder');
    finderToken = await stack.mint.token('fiona', ['finders']);
  });
  after(async () => {
    await stack.close();
    await recorder.close();
  });

  const call = async (token: string, name: string, args: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ToolAnswer> => {
    const client = await connectClient(`${stack.gateway.url}/mcpgw/mcp`, token, headers);
    try {
      return (await client.callTool({ name, arguments: args })) as ToolAnswer;
    } finally {
      await client.close();
    }
  };
  const toolNames = async (token: string, headers: Record<string, string> = {}): Promise<string[]> => {
    const client = await connectClient(`${stack.gateway.url}/mcpgw/mcp`, token, headers);
    try {
      return (await client.listTools()).tools.map((tool) => tool.name).sort();
    } finally {
      await client.close();
    }
  };

  test('lists the read-only tools to a finder, and the editing tools only to callers allowed to edit', async () => {
    assert.deepEqual(await toolNames(finderToken), ['healthcheck', 'intelligent_tool_finder', 'list_services']);
    assert.deepEqual(await toolNames(stack.adminToken), ['healthcheck', 'intelligent_tool_finder', 'list_services', 'register_service', 'toggle_service']);
  });

  test('intelligent_tool_finder answers the tools the caller may call, with schemas, server paths and gateway URLs', async () => {
    const time = await call(finderToken, 'intelligent_tool_finder', { query: 'what is the current time in Tokyo' });
    const tools = time.structuredContent?.tools as Array<Record<string, unknown>>;
    assert.equal(tools[0]?.tool_name, 'current_time_by_timezone');
    assert.equal(tools[0]?.server_path, '/currenttime');
    assert.match(String(tools[0]?.gateway_url), /^http:\/\/[^/]+\/currenttime\/mcp$/);
    assert.deepEqual(tools[0]?.input_schema, { type: 'object', properties: { tz_name: { type: 'string' } } });

    const finderNotes = (await call(finderToken, 'intelligent_tool_finder', { query: 'delete a note' })).structuredContent?.tools as Array<{ tool_name: string }>;
    assert.deepEqual(finderNotes.map((tool) => tool.tool_name), ['list_notes'], 'delete_note is not the finder\'s to call');
    const adminNotes = (await call(stack.adminToken, 'intelligent_tool_finder', { query: 'delete a note' })).structuredContent?.tools as Array<{ tool_name: string }>;
    assert.equal(adminNotes[0]?.tool_name, 'delete_note');
  });

  test('list_services and healthcheck show what the caller may see', async () => {
    const services = (await call(finderToken, 'list_services')).structuredContent?.services as Array<{ path: string; tools: string[] }>;
    assert.deepEqual(services.map((service) => service.path), ['/currenttime', '/mcpgw', '/notes', '/recorder']);
    assert.deepEqual(services.find((service) => service.path === '/notes')?.tools, ['list_notes', 'delete_note']);
    const health = (await call(finderToken, 'healthcheck')).structuredContent as { status: string; servers: Array<{ path: string; enabled: boolean }> };
    assert.equal(health.status, 'ok');
    assert.ok(health.servers.every((server) => server.enabled));
  });

  test('register_service and toggle_service act for an administrator, with the registry\'s checks', async () => {
    const toggled = await call(stack.adminToken, 'toggle_service', { path: '/recorder', enabled: false });
    assert.equal(toggled.structuredContent?.enabled, false);
    assert.equal(((await (await stack.registryApi('GET', '/api/servers/recorder')).json()) as { enabled: boolean }).enabled, false);
    await call(stack.adminToken, 'toggle_service', { path: '/recorder' });
    const registered = await call(stack.adminToken, 'register_service', { server: { server_name: 'via mcp', path: '/via-mcp', proxy_pass_url: 'http://127.0.0.1:9/' } });
    assert.equal(registered.structuredContent?.path, '/via-mcp');
    const invalid = await call(stack.adminToken, 'register_service', { server: { server_name: 'bad', path: '/bad' } });
    assert.equal(invalid.isError, true);
    assert.equal(JSON.parse(invalid.content[0]?.text ?? '{}').code, 'REGISTRY_INVALID_SERVER');
    const toggler = await stack.mint.token('theo', ['togglers']);
    assert.deepEqual(await toolNames(toggler), ['toggle_service']);
    assert.equal((await call(toggler, 'toggle_service', { path: '/notes', enabled: true })).structuredContent?.enabled, true);
    const elsewhere = await call(toggler, 'toggle_service', { path: '/currenttime', enabled: false });
    assert.equal(elsewhere.isError, true);
    assert.equal(JSON.parse(elsewhere.content[0]?.text ?? '{}').code, 'REGISTRY_FORBIDDEN');
    await assert.rejects(call(finderToken, 'toggle_service', { path: '/notes' }), /AUTHZ_TOOL_DENIED/, 'the gateway refuses a tool the finder may not call');
  });

  test('identity headers a client sends are not believed: through the gateway they are stripped, directly they are refused', async () => {
    const spoof = { 'x-user': 'admin', 'x-groups': 'mcp-registry-admin', 'x-scopes': 'stack-admin-ui' };
    assert.deepEqual(await toolNames(finderToken, spoof), ['healthcheck', 'intelligent_tool_finder', 'list_services']);

    const direct = `${stack.registry.url}/mcpgw/mcp`;
    assert.equal(await httpStatusOfFailure(connectClient(direct, undefined, spoof)), 401);
    const forged = attestIdentity(attestationKey('not-the-internal-token-0123456789abcdef'), '/mcpgw', { 'x-user': 'admin', 'x-groups': 'mcp-registry-admin' });
    assert.equal(await httpStatusOfFailure(connectClient(direct, undefined, forged)), 401);
    const stale = attestIdentity(attestationKey(loadInternalToken(stack.dataDir)), '/mcpgw', { 'x-user': 'admin', 'x-groups': 'mcp-registry-admin' }, Math.floor(Date.now() / 1000) - 3600);
    assert.equal(await httpStatusOfFailure(connectClient(direct, undefined, stale)), 401);
  });

  test('an attestation another upstream received cannot be replayed at the registry', async () => {
    const before = recorder.received.length;
    const adminAtRecorder = await fetch(`${stack.gateway.url}/recorder/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(adminAtRecorder.status, 200);
    const seen = recorder.received.slice(before).at(-1);
    assert.ok(seen?.headers[IDENTITY_ATTESTATION_HEADER], 'the gateway attests the identity it sends upstream');
    const replayed: Record<string, string> = {};
    for (const name of ['x-user', 'x-username', 'x-client-id', 'x-scopes', 'x-auth-method', 'x-groups', IDENTITY_ATTESTATION_HEADER]) {
      const value = seen?.headers[name];
      if (typeof value === 'string') replayed[name] = value;
    }
    assert.equal(await httpStatusOfFailure(connectClient(`${stack.registry.url}/mcpgw/mcp`, undefined, replayed)), 401);
  });

  test('a caller with a token the registry verifies itself may use it without the gateway', async () => {
    const client = await connectClient(`${stack.registry.url}/mcpgw/mcp`, finderToken);
    try {
      const tools = (await client.listTools()).tools.map((tool) => tool.name).sort();
      assert.deepEqual(tools, ['healthcheck', 'intelligent_tool_finder', 'list_services']);
    } finally {
      await client.close();
    }
  });
});
