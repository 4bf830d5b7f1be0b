import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress, Tool } from '@modelcontextprotocol/sdk/types.js';
import { startStack, type Stack } from '../support/stack.js';
import { withAdministrator } from '../support/scopes.js';
import { startServerEverything, type ServerEverything } from '../support/server-everything.js';
import { connectAnsweringClient } from '../protocol/support/answering-client.js';
import { startPagedUpstream, type PagedUpstream } from './support/paged-upstream.js';

const SCOPES = withAdministrator(`
group_mappings:
  partial: [partial-access]
partial-access:
  - server: currenttime
    methods: [tools/list, tools/call]
    tools: [current_time_by_timezone]
  - server: echoer
    methods: [tools/list, tools/call]
    tools: [echo]
`);
const ANSWERS = { elicitation: 'Ada Lovelace', sampling: 'sampled', roots: ['file:///virtual'] };
const textOf = (result: Record<string, unknown>) => ((result.content ?? []) as Array<{ text?: string }>).map((item) => item.text ?? '').join('\n');

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'virtual-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** Every tool, following the virtual server's cursors, checking that no name repeats. */
async function allTools(client: Client): Promise<{ tools: Tool[]; pages: number }> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    pages += 1;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  assert.equal(new Set(tools.map((tool) => tool.name)).size, tools.length, 'no tool is listed twice');
  return { tools, pages };
}

describe('the virtual MCP server at /mcp, over currenttime, notes, server-everything and a paged upstream', () => {
  let stack: Stack;
  let everything: ServerEverything;
  let echoer: PagedUpstream;
  let virtualUrl: string;

  before(async () => {
    [everything, echoer] = await Promise.all([startServerEverything('streamableHttp'), startPagedUpstream({ toolCount: 120, pageSize: 50, label: 'echoer' })]);
    stack = await startStack({ scopes: SCOPES });
    for (const [path, upstream] of [['/everything', everything], ['/echoer', echoer]] as const) {
      const registered = await stack.register({ server_name: path.slice(1), path, proxy_pass_url: `${upstream.url}/`, supported_transports: ['streamable-http'] });
      assert.equal(registered.status, 201, await registered.text());
      await stack.waitForRoute(path);
    }
    virtualUrl = `${stack.gateway.url}/mcp`;
  });
  after(async () => {
    await stack?.close();
    await Promise.all([everything?.close(), echoer?.close()]);
  });

  test('lists every member tool by <server>__<tool>, pages of every member followed, merged pages without gaps or repeats', async () => {
    const client = await connect(virtualUrl, stack.adminToken);
    try {
      const { tools, pages } = await allTools(client);
      const names = new Set(tools.map((tool) => tool.name));
      for (const name of ['currenttime__current_time_by_timezone', 'notes__list_notes', 'everything__echo', 'echoer__echo', 'echoer__tool-119']) {
        assert.ok(names.has(name), `${name} is listed`);
      }
      assert.equal([...names].filter((name) => name.startsWith('echoer__')).length, 120);
      assert.ok(pages >= 2, 'the merged list is longer than a page');
      assert.equal(tools.find((tool) => tool.name === 'echoer__echo')?.description, 'echo from echoer');
    } finally {
      await client.close();
    }
  });

  test('a call goes to the member that offers the name: two tools called echo stay apart', async () => {
    const client = await connect(virtualUrl, stack.adminToken);
    try {
      assert.match(textOf(await client.callTool({ name: 'echoer__echo', arguments: { message: 'one' } })), /^echoer echo: one$/);
      assert.match(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'two' } })), /Echo: two/);
      const prompt = await client.getPrompt({ name: 'echoer__greet' });
      assert.equal((prompt.messages[0]?.content as { text?: string }).text, 'hello from echoer');
      await assert.rejects(client.callTool({ name: 'no-such__tool', arguments: {} }), /unknown tool/);
    } finally {
      await client.close();
    }
  });

  test('progress and elicitation go through the aggregation and back', async () => {
    const { client, answered, close } = await connectAnsweringClient({ url: virtualUrl, token: stack.adminToken, transport: 'streamable-http', answers: ANSWERS });
    try {
      const seen: Progress[] = [];
      const long = await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 3 } }, undefined, {
        onprogress: (progress) => seen.push(progress),
      });
      assert.match(textOf(long), /completed/i);
      assert.deepEqual(seen.map((progress) => progress.progress), [1, 2, 3]);
      assert.match(textOf(await client.callTool({ name: 'everything__trigger-elicitation-request', arguments: {} })), /Ada Lovelace/);
      assert.ok(answered.includes('elicitation/create'));
    } finally {
      await close();
    }
  });

  test('a caller whose scopes cover part of the members sees and calls only that part', async () => {
    const token = await stack.mint.token('partial-user', ['partial']);
    const client = await connect(virtualUrl, token);
    try {
      const names = (await allTools(client)).tools.map((tool) => tool.name).sort();
      assert.deepEqual(names, ['currenttime__current_time_by_timezone', 'echoer__echo']);
      assert.match(textOf(await client.callTool({ name: 'currenttime__current_time_by_timezone', arguments: { tz_name: 'UTC' } })), /\d{4}/);
      await assert.rejects(client.callTool({ name: 'notes__add_note', arguments: { title: 't', content: 'c' } }));
      await assert.rejects(client.callTool({ name: 'echoer__tool-001', arguments: {} }));
      await assert.rejects(client.callTool({ name: 'everything__echo', arguments: { message: 'x' } }));
    } finally {
      await client.close();
    }
  });

  test('without a token the door answers 401 with the metadata of /mcp; a session id is good only with its own token', async () => {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const anonymous = await fetch(virtualUrl, { method: 'POST', headers, body: JSON.stringify(initialize) });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /resource_metadata="[^"]*\/\.well-known\/oauth-protected-resource\/mcp"/);
    const metadata = await fetch(`${stack.gateway.url}/.well-known/oauth-protected-resource/mcp`);
    assert.equal(metadata.status, 200);

    const opened = await fetch(virtualUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${stack.adminToken}` }, body: JSON.stringify(initialize) });
    assert.equal(opened.status, 200);
    const sessionId = opened.headers.get('mcp-session-id');
    assert.ok(sessionId);
    await opened.body?.cancel();
    const other = await stack.mint.token('someone-else', ['partial']);
    const hijack = await fetch(virtualUrl, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${other}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(hijack.status, 404);
    assert.equal((await hijack.json()).error.data?.code ?? 'GW_SESSION_NOT_FOUND', 'GW_SESSION_NOT_FOUND');
  });

  test('closing the client session ends its member sessions', async () => {
    const client = await connect(virtualUrl, stack.adminToken);
    await client.callTool({ name: 'echoer__echo', arguments: { message: 'hi' } });
    const memberSession = echoer.opened.at(-1);
    assert.ok(memberSession);
    const transport = client.transport as StreamableHTTPClientTransport;
    await transport.terminateSession();
    await client.close();
    for (let attempt = 0; attempt < 50 && !echoer.ended.includes(memberSession); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(echoer.ended.includes(memberSession), 'the member session was ended');
  });

  test('a member killed mid-session drops out of the lists with the rest intact, and its calls fail clearly', async () => {
    const client = await connect(virtualUrl, stack.adminToken);
    try {
      assert.ok((await allTools(client)).tools.some((tool) => tool.name === 'echoer__echo'));
      await echoer.close();
      const names = (await allTools(client)).tools.map((tool) => tool.name);
      assert.equal(names.some((name) => name.startsWith('echoer__')), false);
      assert.ok(names.includes('currenttime__current_time_by_timezone'));
      await assert.rejects(client.callTool({ name: 'echoer__echo', arguments: { message: 'x' } }));
      assert.match(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'still here' } })), /still here/);
    } finally {
      await client.close();
    }
  });
});
