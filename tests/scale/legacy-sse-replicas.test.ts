import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { loadSessionKeys } from '../../gateway/src/sessions/session-keys.js';
import { startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { route } from '../gateway/support/route-feed-server.js';

describe('legacy SSE in front of several replicas', () => {
  let replicas: McpUpstream[];
  let stack: GatewayStack;

  before(async () => {
    replicas = [await startMcpUpstream({ enableJsonResponse: false }), await startMcpUpstream({ enableJsonResponse: false })];
    const urls = replicas.map((replica) => `${replica.url}/`);
    stack = await startGatewayStack([{ ...route('/legacy', urls[0] as string), proxyPassUrls: urls }], {
      sessionKeys: loadSessionKeys({ secret: 'legacy-sse-session-secret-0123456789abcdef' }),
    });
  });
  after(async () => {
    await stack.close();
    for (const replica of replicas) await replica.close();
  });

  test('the event stream and the messages posted for it meet on the first replica', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const transport = new SSEClientTransport(new URL(`${stack.gateway.url}/legacy/sse`), {
        requestInit: { headers: { authorization: `Bearer ${stack.token}` } },
        eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${stack.token}` } }) },
      });
      const client = new Client({ name: 'legacy', version: '1.0.0' });
      await client.connect(transport);
      for (let call = 0; call < 3; call += 1) {
        const result = await client.callTool({ name: 'echo', arguments: { text: `call ${call}` } });
        assert.deepEqual(result.content, [{ type: 'text', text: `echo: call ${call}` }]);
      }
      await client.close();
    }
    assert.equal(replicas[1]?.seenHeaders.length, 0, 'nothing of the legacy transport reached the second replica');
  });
});
