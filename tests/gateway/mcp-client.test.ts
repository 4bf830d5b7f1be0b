import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startGatewayStack, waitFor, type GatewayStack } from './support/gateway-stack.js';
import { startMcpUpstream, type McpUpstream } from './support/mcp-upstream.js';
import { route } from './support/route-feed-server.js';

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as Array<{ type: string; text: string }>)[0]?.text;

describe('an MCP SDK client through the gateway', () => {
  let stack: GatewayStack;
  let jsonUpstream: McpUpstream;
  let sseUpstream: McpUpstream;

  before(async () => {
    jsonUpstream = await startMcpUpstream({ enableJsonResponse: true });
    sseUpstream = await startMcpUpstream({ enableJsonResponse: false });
    stack = await startGatewayStack([route('/json-server', `${jsonUpstream.url}/`), route('/team/sse-server', `${sseUpstream.url}/`)]);
    stack.auth.allowedTools = ['echo', 'add'];
  });
  after(async () => {
    await stack.close();
    await Promise.all([jsonUpstream.close(), sseUpstream.close()]);
  });

  const streamableClient = async (path: string) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${stack.gateway.url}${path}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${stack.token}` } },
    });
    const client = new Client({ name: 'gateway-test-client', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  };

  for (const [name, path, upstream] of [
    ['JSON answers', '/json-server', () => jsonUpstream],
    ['SSE answers', '/team/sse-server', () => sseUpstream],
  ] as const) {
    test(`initialises, lists the allowed tools and calls one (${name})`, async () => {
      const { client, transport } = await streamableClient(path);
      try {
        assert.ok(transport.sessionId, 'the session id came back through the gateway');
        assert.ok(upstream().sessions.has(transport.sessionId));
        assert.equal(client.getServerVersion()?.name, 'gateway-test-upstream');

        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add', 'echo']);

        assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hi there' } })), 'echo: hi there');
        assert.equal(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })), '42');

        await assert.rejects(client.callTool({ name: 'admin_reset', arguments: {} }), (error: unknown) => {
          assert.ok(error instanceof StreamableHTTPError);
          assert.equal(error.code, 403);
          return true;
        });

        const seen = upstream().seenHeaders.at(-1)!;
        assert.equal(seen['x-user'], 'alice');
        assert.equal(seen.authorization, undefined);
        assert.equal(seen['mcp-session-id'], transport.sessionId);
        assert.ok(seen['mcp-protocol-version'], 'MCP-Protocol-Version reached the upstream');

        const sessionId = transport.sessionId;
        await transport.terminateSession();
        await waitFor(() => !upstream().sessions.has(sessionId));
      } finally {
        await client.close();
      }
    });
  }

  test('a client without a token is refused with 401 and a challenge', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${stack.gateway.url}/json-server/mcp`));
    const client = new Client({ name: 'anonymous', version: '1.0.0' });
    await assert.rejects(client.connect(transport), (error: unknown) => {
      assert.ok(error instanceof StreamableHTTPError);
      assert.equal(error.code, 401);
      assert.match(error.message, /GW_UNAUTHENTICATED/);
      return true;
    });
    await client.close();
  });

  test('the legacy SSE transport works through the rewritten endpoint', async () => {
    const transport = new SSEClientTransport(new URL(`${stack.gateway.url}/team/sse-server/sse`), {
      requestInit: { headers: { authorization: `Bearer ${stack.token}` } },
    });
    const client = new Client({ name: 'legacy-client', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add', 'echo']);
      assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'legacy' } })), 'echo: legacy');
      assert.ok(stack.auth.calls.some((call) => call['x-original-url']?.toString().includes('/team/sse-server/messages?sessionId=')));
    } finally {
      await client.close();
    }
  });
});
