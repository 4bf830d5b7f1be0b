import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { startStack, type Stack } from '../support/stack.js';
import { ACCESS_SCOPES } from './support/access-scopes.js';
import { startPagedUpstream, type PagedUpstream } from './support/paged-upstream.js';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

interface RpcAnswer {
  status: number;
  headers: Headers;
  body: { jsonrpc?: string; id?: unknown; result?: unknown; error?: { code: number; message: string; data?: { code?: string; reason?: { error?: { code?: string } } } } };
  text: string;
}

describe('denied requests inside the protocol', () => {
  let stack: Stack;
  let paged: PagedUpstream;
  let batchless: RecordingUpstream;
  const tokens: Record<string, string> = {};

  before(async () => {
    paged = await startPagedUpstream();
    batchless = await startRecordingUpstream();
    stack = await startStack({ scopes: ACCESS_SCOPES });
    const routes: Array<[string, string]> = [['/paged-json', `${paged.url}/json/`], ['/paged-sse', `${paged.url}/sse/`], ['/batchless', `${batchless.url}/`]];
    for (const [path, proxyPassUrl] of routes) {
      const response = await stack.register({ server_name: path.slice(1), path, proxy_pass_url: proxyPassUrl, supported_transports: ['streamable-http'] });
      assert.equal(response.status, 201);
      await stack.waitForRoute(path);
    }
    for (const group of ['lister', 'batcher', 'unlisted']) tokens[group] = await stack.mint.token(group, [group]);
  });
  after(async () => {
    await stack?.close();
    await paged?.close();
    await batchless?.close();
  });

  async function post(path: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<RpcAnswer> {
    const response = await fetch(`${stack.gateway.url}${path}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: RpcAnswer['body'];
    try {
      parsed = JSON.parse(text) as RpcAnswer['body'];
    } catch {
      parsed = JSON.parse(text.split('\ndata: ')[1]?.split('\n')[0] ?? 'null') as RpcAnswer['body'];
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
  const received = () => paged.received.length;

  describe('prompts/get and resources/read', () => {
    for (const mode of ['json', 'sse']) {
      test(`an SDK client gets listed prompts and resources and is refused the others (${mode})`, async () => {
        const client = await connectClient(`${stack.gateway.url}/paged-${mode}/mcp`, tokens.lister!);
        try {
          const prompt = await client.getPrompt({ name: 'summarise' });
          assert.deepEqual(prompt.messages, [{ role: 'user', content: { type: 'text', text: 'prompt summarise' } }]);
          const resource = await client.readResource({ uri: 'test://docs/a' });
          assert.deepEqual(resource.contents, [{ uri: 'test://docs/a', text: 'content of test://docs/a' }]);

          const before = received();
          assert.equal(await httpStatusOfFailure(client.getPrompt({ name: 'drop_tables' })), 403);
          assert.equal(await httpStatusOfFailure(client.readResource({ uri: 'test://secret/k1' })), 403);
          assert.equal(await httpStatusOfFailure(client.readResource({ uri: 'test://docs' })), 403);
          assert.equal(received(), before, 'nothing refused reached the upstream');
        } finally {
          await client.close();
        }
      });
    }

    const refusals: Array<[string, unknown, string]> = [
      ['an unlisted prompt', { jsonrpc: '2.0', id: 'p-1', method: 'prompts/get', params: { name: 'drop_tables' } }, 'AUTHZ_PROMPT_DENIED'],
      ['a prompts/get without a name', { jsonrpc: '2.0', id: 'p-2', method: 'prompts/get', params: {} }, 'AUTHZ_PROMPT_DENIED'],
      ['an unlisted resource', { jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: 'test://secret/k2' } }, 'AUTHZ_RESOURCE_DENIED'],
      ['a method the entry does not grant', { jsonrpc: '2.0', id: 8, method: 'resources/subscribe', params: { uri: 'test://docs/a' } }, 'AUTHZ_METHOD_DENIED'],
    ];
    for (const [name, message, code] of refusals) {
      test(`${name}: 403 and a JSON-RPC error carrying the request's id`, async () => {
        const before = received();
        const answer = await post('/paged-json', tokens.lister!, message);
        assert.equal(answer.status, 403);
        assert.equal(answer.body.jsonrpc, '2.0');
        assert.equal(answer.body.id, (message as { id: unknown }).id);
        assert.equal(answer.body.error?.data?.code, 'GW_FORBIDDEN');
        assert.equal(answer.body.error?.data?.reason?.error?.code, code);
        assert.equal(typeof answer.body.error?.code, 'number');
        assert.equal(received(), before);
      });
    }
  });

  describe('completions about a prompt or resource the caller cannot use', () => {
    test('are refused exactly like completions about ones that do not exist', async () => {
      const client = await connectClient(`${stack.gateway.url}/paged-json/mcp`, tokens.lister!);
      try {
        const allowed = await client.complete({ ref: { type: 'ref/prompt', name: 'summarise' }, argument: { name: 'a', value: 'x' } });
        assert.deepEqual(allowed.completion.values, ['x-completed']);
        const template = await client.complete({ ref: { type: 'ref/resource', uri: 'test://docs/{name}' }, argument: { name: 'name', value: 'y' } });
        assert.deepEqual(template.completion.values, ['y-completed']);
        const before = received();
        assert.equal(await httpStatusOfFailure(client.complete({ ref: { type: 'ref/prompt', name: 'drop_tables' }, argument: { name: 'a', value: 'x' } })), 403);
        assert.equal(await httpStatusOfFailure(client.complete({ ref: { type: 'ref/resource', uri: 'test://secret/{key}' }, argument: { name: 'key', value: 'k' } })), 403);
        assert.equal(received(), before);
      } finally {
        await client.close();
      }
      const complete = (name: string) => ({ jsonrpc: '2.0', id: 12, method: 'completion/complete', params: { ref: { type: 'ref/prompt', name }, argument: { name: 'a', value: 'x' } } });
      const hidden = await post('/paged-json', tokens.lister!, complete('drop_tables'));
      const missing = await post('/paged-json', tokens.lister!, complete('no_such_prompt'));
      assert.equal(hidden.status, 403);
      assert.equal(hidden.body.error?.data?.reason?.error?.code, 'AUTHZ_PROMPT_DENIED');
      assert.equal(hidden.text.replaceAll('drop_tables', 'NAME'), missing.text.replaceAll('no_such_prompt', 'NAME'));
    });
  });

  describe('a tool the caller cannot see', () => {
    const call = (name: string, id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

    test('is refused exactly like a tool that does not exist', async () => {
      const before = received();
      const hidden = await post('/paged-json', tokens.lister!, call('admin_reset', 41));
      const missing = await post('/paged-json', tokens.lister!, call('no_such_tool', 41));
      assert.equal(received(), before);
      assert.equal(hidden.status, 403);
      assert.equal(missing.status, hidden.status);
      const neutral = (answer: RpcAnswer, name: string) => answer.text.replaceAll(name, 'TOOL');
      assert.equal(neutral(hidden, 'admin_reset'), neutral(missing, 'no_such_tool'));
      assert.equal(
        hidden.headers.get('www-authenticate')?.replaceAll('admin_reset', 'TOOL'),
        missing.headers.get('www-authenticate')?.replaceAll('no_such_tool', 'TOOL'),
      );
      assert.equal(hidden.headers.get('content-type'), missing.headers.get('content-type'));
      assert.equal(hidden.body.error?.data?.reason?.error?.code, 'AUTHZ_TOOL_DENIED');
    });

    test('an SDK client sees the same refusal for both', async () => {
      const client = await connectClient(`${stack.gateway.url}/paged-sse/mcp`, tokens.lister!);
      try {
        assert.equal(await httpStatusOfFailure(client.callTool({ name: 'admin_reset' })), 403);
        assert.equal(await httpStatusOfFailure(client.callTool({ name: 'no_such_tool' })), 403);
        const result = await client.callTool({ name: 'echo' });
        assert.deepEqual(result.content, [{ type: 'text', text: 'called echo' }]);
      } finally {
        await client.close();
      }
    });
  });

  describe('batches', () => {
    const listTools = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const listPrompts = { jsonrpc: '2.0', id: 2, method: 'prompts/list' };
    const callEcho = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: {} } };
    const callHidden = { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'admin_reset', arguments: {} } };
    const getHidden = { jsonrpc: '2.0', id: 5, method: 'prompts/get', params: { name: 'drop_tables' } };
    const oldRevision = { 'mcp-protocol-version': '2025-03-26' };

    test('every message allowed: forwarded, and each list answer in the batch filtered', async () => {
      const answer = await post('/paged-json', tokens.batcher!, [listTools, listPrompts, callEcho], oldRevision);
      assert.equal(answer.status, 200);
      assert.ok(Array.isArray(answer.body));
      const messages = answer.body as unknown as Array<{ id: number; result: Record<string, unknown> }>;
      const byId = new Map(messages.map((message) => [message.id, message.result]));
      assert.deepEqual((byId.get(1)!.tools as Array<{ name: string }>).map((tool) => tool.name), ['echo']);
      assert.deepEqual((byId.get(2)!.prompts as Array<{ name: string }>).map((prompt) => prompt.name), ['summarise']);
      assert.equal(byId.get(1)!.nextCursor, '3');
      assert.deepEqual(byId.get(3)!.content, [{ type: 'text', text: 'called echo' }]);
    });

    const mixed: Array<[string, unknown[], string]> = [
      ['a hidden tool among allowed messages', [listTools, callEcho, callHidden], 'AUTHZ_TOOL_DENIED'],
      ['an unlisted prompt among allowed messages', [getHidden, listTools], 'AUTHZ_PROMPT_DENIED'],
      ['a method not granted at the end', [listTools, { jsonrpc: '2.0', id: 6, method: 'resources/list' }], 'AUTHZ_METHOD_DENIED'],
    ];
    for (const [name, batch, code] of mixed) {
      test(`${name}: all or nothing, 403 with a null id, nothing forwarded`, async () => {
        const before = received();
        const answer = await post('/paged-json', tokens.batcher!, batch, oldRevision);
        assert.equal(answer.status, 403);
        assert.equal(answer.body.id, null);
        assert.equal(answer.body.error?.data?.reason?.error?.code, code);
        assert.equal(received(), before);
      });
    }

    describe('a protocol revision without batches (2025-06-18 and later)', () => {
      const revision = { 'mcp-protocol-version': '2025-06-18' };

      before(() => {
        batchless.handler = (request, res) => {
          const batch = request.body.toString('utf8').trimStart().startsWith('[');
          if (batch && request.headers['mcp-protocol-version'] === '2025-06-18') {
            res.writeHead(400, { 'content-type': 'application/json', 'x-upstream-verdict': 'no-batches' });
            res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: batches are not supported in 2025-06-18' } }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }));
        };
      });

      test('the upstream answers, not the gateway: its refusal passes through unchanged', async () => {
        const before = batchless.received.length;
        const body = [listTools, callEcho];
        const answer = await post('/batchless', tokens.batcher!, body, revision);
        assert.equal(batchless.received.length, before + 1);
        assert.equal(batchless.received.at(-1)!.body.toString('utf8'), JSON.stringify(body));
        assert.equal(answer.status, 400);
        assert.equal(answer.headers.get('x-upstream-verdict'), 'no-batches');
        assert.equal(answer.text, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: batches are not supported in 2025-06-18' } }));
      });

      test('every message is still authorised first', async () => {
        const before = batchless.received.length;
        const answer = await post('/batchless', tokens.batcher!, [listTools, callHidden], revision);
        assert.equal(answer.status, 403);
        assert.equal(answer.body.error?.data?.reason?.error?.code, 'AUTHZ_TOOL_DENIED');
        assert.equal(batchless.received.length, before);
      });

      test('an upstream that does answer the batch is passed through as it answers directly', async () => {
        const body = [listTools, listPrompts];
        const viaGateway = await post('/paged-json', tokens.unlisted!, body, revision);
        const direct = await fetch(`${paged.url}/json/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...revision }, body: JSON.stringify(body) });
        assert.equal(viaGateway.status, direct.status);
        assert.deepEqual(viaGateway.body, await direct.json());
      });
    });
  });
});
