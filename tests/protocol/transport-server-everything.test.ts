import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { startStack, type Stack } from '../support/stack.js';
import { startServerEverything, type ServerEverything } from '../support/server-everything.js';
import { connectAnsweringClient } from './support/answering-client.js';

const ANSWERS = { elicitation: 'Grace Hopper', sampling: 'a sampled reply', roots: ['file:///everything'] };
const textsOf = (result: Record<string, unknown>) => ((result.content ?? []) as Array<{ type: string; text?: string }>).map((item) => item.text ?? '').join('\n');

describe('@modelcontextprotocol/server-everything, a third-party upstream, through the gateway', () => {
  let stack: Stack;
  let streamable: ServerEverything;
  let legacy: ServerEverything;

  before(async () => {
    [streamable, legacy] = await Promise.all([startServerEverything('streamableHttp'), startServerEverything('sse')]);
    stack = await startStack({ gateway: { upstreamTimeoutMs: 500, sseKeepAliveMs: 100 } });
    for (const [path, upstream, transport] of [['/everything', streamable, 'streamable-http'], ['/everything-sse', legacy, 'sse']] as const) {
      const registered = await stack.register({ server_name: path.slice(1), path, proxy_pass_url: `${upstream.url}/`, supported_transports: [transport] });
      assert.equal(registered.status, 201);
      await stack.waitForRoute(path);
      // The registry checks a new server's health with a session of its own; server-everything's legacy SSE
      // mode serves one session at a time, so the test's session starts once that check is over.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const health = (await (await stack.registryApi('GET', `/api/servers${path}/health`)).json()) as { health?: { status?: string } };
        if (health.health?.status !== undefined && health.health.status !== 'unknown') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  after(async () => {
    await stack?.close();
    await Promise.all([streamable?.close(), legacy?.close()]);
  });

  test('Streamable HTTP: tools, a long operation streaming progress, elicitation and sampling', async () => {
    const { client, answered, close } = await connectAnsweringClient({
      url: `${stack.gateway.url}/everything/mcp`,
      token: stack.adminToken,
      transport: 'streamable-http',
      answers: ANSWERS,
    });
    try {
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name);
      for (const name of ['echo', 'trigger-long-running-operation', 'trigger-elicitation-request', 'trigger-sampling-request']) {
        assert.ok(names.includes(name), `${name} is listed`);
      }
      assert.match(textsOf(await client.callTool({ name: 'echo', arguments: { message: 'through the gateway' } })), /through the gateway/);

      const seen: Progress[] = [];
      const long = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } }, undefined, {
        onprogress: (progress) => seen.push(progress),
      });
      assert.match(textsOf(long), /completed/i);
      assert.deepEqual(seen.map((progress) => progress.progress), [1, 2, 3, 4]);

      assert.match(textsOf(await client.callTool({ name: 'trigger-elicitation-request', arguments: {} })), /Grace Hopper/);
      assert.match(textsOf(await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi' } })), /a sampled reply/);
      assert.ok(answered.includes('elicitation/create') && answered.includes('sampling/createMessage'));
    } finally {
      await close();
    }
  });

  test('legacy SSE: its /message endpoint is rewritten and the session works end to end', async () => {
    const { client, close } = await connectAnsweringClient({
      url: `${stack.gateway.url}/everything-sse/sse`,
      token: stack.adminToken,
      transport: 'sse',
      answers: ANSWERS,
    });
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'get-sum'));
      assert.match(textsOf(await client.callTool({ name: 'get-sum', arguments: { a: 20, b: 22 } })), /42/);
    } finally {
      await close();
    }
  });
});
