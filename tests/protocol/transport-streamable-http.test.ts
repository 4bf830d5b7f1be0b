import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { startStack, type Stack } from '../support/stack.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { waitFor } from '../gateway/support/gateway-stack.js';
import { readUntil } from '../gateway/support/read-stream.js';
import { connectAnsweringClient, type AnsweringClient } from './support/answering-client.js';

/** Small on purpose, yet above what a busy machine needs for response headers: the long call outlives both. */
const UPSTREAM_TIMEOUT_MS = 1500;
const KEEP_ALIVE_MS = 100;
const RETRY_MS = 20;

const textOf = (result: Awaited<ReturnType<AnsweringClient['client']['callTool']>>) =>
  (result.content as Array<{ type: string; text: string }>)[0]?.text;

describe('Streamable HTTP through the gateway, with the MCP SDK on both ends', () => {
  let stack: Stack;
  let upstream: McpUpstream;
  let url: string;

  before(async () => {
    stack = await startStack({ gateway: { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, sseKeepAliveMs: KEEP_ALIVE_MS } });
    upstream = await startMcpUpstream({ enableJsonResponse: false, resumable: { retryIntervalMs: RETRY_MS } });
    const registered = await stack.register({ server_name: 'transport', path: '/transport', proxy_pass_url: `${upstream.url}/`, supported_transports: ['streamable-http'] });
    assert.equal(registered.status, 201);
    await stack.waitForRoute('/transport');
    url = `${stack.gateway.url}/transport/mcp`;
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const connect = (answers = { elicitation: 'Ada', sampling: 'forty-two', roots: ['file:///work'] }, name?: string) =>
    connectAnsweringClient({ url, token: stack.adminToken, transport: 'streamable-http', answers, ...(name ? { name } : {}) });

  test('priming events, id: and retry: lines arrive as the server wrote them', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const sessionId = response.headers.get('mcp-session-id');
    assert.ok(sessionId && upstream.sessions.has(sessionId));
    const text = await readUntil(response.body!.getReader(), (sofar) => sofar.includes('"result"'));
    assert.match(text, new RegExp(`^id: [^\\n]+\\nretry: ${RETRY_MS}\\ndata: \\n\\n`), 'the priming event comes first, unchanged');
    assert.match(text, /\nid: [^\n]+\ndata: \{"result":\{"protocolVersion":"2025-11-25"/);
    await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${stack.adminToken}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' } });
  });

  test('a dropped stream resumes with Last-Event-ID and nothing is lost', async () => {
    const { client, close } = await connect();
    try {
      const seen: Progress[] = [];
      const result = await client.callTool({ name: 'drop_then_finish', arguments: {} }, undefined, { onprogress: (progress) => seen.push(progress) });
      assert.equal(textOf(result), 'finished after the drop');
      assert.deepEqual(seen.map((progress) => progress.progress), [1, 2, 3]);
      const resumed = upstream.seenHeaders.filter((headers) => headers['last-event-id'] !== undefined);
      assert.ok(resumed.length > 0, 'the client resumed with Last-Event-ID through the gateway');
    } finally {
      await close();
    }
  });

  test('a long tool call streams progress for longer than the header time-out and the keep-alive interval', async () => {
    const { client, close } = await connect();
    try {
      const seen: Progress[] = [];
      const steps = 5;
      const gapMs = Math.ceil(UPSTREAM_TIMEOUT_MS / 4);
      assert.ok(steps * gapMs > UPSTREAM_TIMEOUT_MS && gapMs > KEEP_ALIVE_MS);
      const result = await client.callTool({ name: 'progress', arguments: { steps, gapMs } }, undefined, {
        onprogress: (progress) => seen.push(progress),
      });
      assert.equal(textOf(result), `done after ${steps} steps`);
      assert.deepEqual(seen.map((progress) => progress.progress), [1, 2, 3, 4, 5]);
    } finally {
      await close();
    }
  });

  test('the first event reaches the client before the upstream sends the last', async () => {
    const { client, close } = await connect();
    try {
      const seen: number[] = [];
      const result = await client.callTool({ name: 'wait_for_gate', arguments: {} }, undefined, {
        onprogress: (progress) => {
          seen.push(progress.progress);
          if (progress.progress === 1) {
            assert.equal(upstream.completedCalls.includes('wait_for_gate'), false, 'the upstream is still working');
            upstream.openGate();
          }
        },
      });
      assert.equal(textOf(result), 'the gate opened');
      assert.deepEqual(seen, [1, 2]);
    } finally {
      await close();
    }
  });

  test('elicitation, sampling and roots requests and their answers reach the session that owns them', async () => {
    const alice = await connect({ elicitation: 'Alice', sampling: 'model of alice', roots: ['file:///alice'] }, 'alice');
    const bob = await connect({ elicitation: 'Bob', sampling: 'model of bob', roots: ['file:///bob'] }, 'bob');
    try {
      const [aliceAsk, bobAsk, aliceSample, bobSample, aliceRoots, bobRoots] = await Promise.all([
        alice.client.callTool({ name: 'ask', arguments: { question: 'your name?' } }),
        bob.client.callTool({ name: 'ask', arguments: { question: 'your name?' } }),
        alice.client.callTool({ name: 'sample', arguments: { prompt: 'hello' } }),
        bob.client.callTool({ name: 'sample', arguments: { prompt: 'hello' } }),
        alice.client.callTool({ name: 'roots', arguments: {} }),
        bob.client.callTool({ name: 'roots', arguments: {} }),
      ]);
      assert.equal(textOf(aliceAsk), 'answer: Alice');
      assert.equal(textOf(bobAsk), 'answer: Bob');
      assert.equal(textOf(aliceSample), 'model said: model of alice');
      assert.equal(textOf(bobSample), 'model said: model of bob');
      assert.equal(textOf(aliceRoots), 'file:///alice');
      assert.equal(textOf(bobRoots), 'file:///bob');
      assert.deepEqual(alice.answered.sort(), ['elicitation/create', 'roots/list', 'sampling/createMessage']);
      assert.deepEqual(bob.answered.sort(), ['elicitation/create', 'roots/list', 'sampling/createMessage']);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test("a client that goes away mid-call does not cancel the upstream's work", async () => {
    const { transport, close } = await connect();
    try {
      assert.ok(transport instanceof StreamableHTTPClientTransport);
      const sessionId = transport.sessionId!;
      const before = upstream.responses.length;
      const controller = new AbortController();
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.adminToken}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': transport.protocolVersion ?? '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 77, method: 'tools/call', params: { name: 'wait_for_gate', arguments: {}, _meta: { progressToken: 't' } } }),
        signal: controller.signal,
      });
      await readUntil(response.body!.getReader(), (text) => text.includes('"progress":1'));
      controller.abort();
      // Time for the gateway to see the client go; the tool finishes only after that.
      await new Promise((resolve) => setTimeout(resolve, 100));
      upstream.openGate();
      await waitFor(() => upstream.completedCalls.includes('wait_for_gate') && upstream.responses.slice(before).some((answer) => answer.method === 'POST'));
      const answers = upstream.responses.slice(before).filter((answer) => answer.method === 'POST');
      assert.deepEqual(answers.map((answer) => answer.finished), [true], 'the upstream wrote its whole answer');
    } finally {
      await close();
    }
  });
});
