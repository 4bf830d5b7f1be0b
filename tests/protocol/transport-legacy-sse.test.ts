import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HEALTH_CHECK_USER_AGENT } from '../../registry/src/health/check-server.js';
import { startStack, type Stack } from '../support/stack.js';
import { startMcpUpstream, type McpUpstream, type McpUpstreamOptions } from '../gateway/support/mcp-upstream.js';
import { readUntil } from '../gateway/support/read-stream.js';
import { connectAnsweringClient } from './support/answering-client.js';

const FORMS = ['path', 'relative', 'absolute'] as const satisfies ReadonlyArray<McpUpstreamOptions['endpointForm']>;
/** Each upstream serves under /prefix; the gateway path has a prefix of its own. */
const routeOf = (form: (typeof FORMS)[number]) => `/team/legacy-${form}`;

describe('legacy HTTP+SSE (2024-11-05) behind a prefix', () => {
  let stack: Stack;
  const upstreams = new Map<string, McpUpstream>();

  before(async () => {
    stack = await startStack();
    for (const form of FORMS) {
      const upstream = await startMcpUpstream({ enableJsonResponse: false, basePath: '/prefix', endpointForm: form });
      upstreams.set(form, upstream);
      const registered = await stack.register({ server_name: `legacy ${form}`, path: routeOf(form), proxy_pass_url: `${upstream.url}/prefix/`, supported_transports: ['sse'] });
      assert.equal(registered.status, 201);
      await stack.waitForRoute(routeOf(form));
    }
  });
  after(async () => {
    await stack.close();
    await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
  });

  for (const form of FORMS) {
    test(`the ${form} endpoint event is rewritten to post back through the gateway, query kept`, async () => {
      const controller = new AbortController();
      const response = await fetch(`${stack.gateway.url}${routeOf(form)}/sse`, {
        headers: { authorization: `Bearer ${stack.adminToken}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      try {
        assert.equal(response.status, 200);
        const text = await readUntil(response.body!.getReader(), (sofar) => /event: endpoint\ndata: [^\n]*\n\n/.test(sofar));
        const endpoint = /event: endpoint\ndata: ([^\n]*)\n/.exec(text)?.[1];
        assert.match(endpoint ?? '', new RegExp(`^${routeOf(form)}/messages\\?sessionId=[0-9a-f-]+$`));
      } finally {
        controller.abort();
      }
    });

    test(`an SDK SSE client lists, calls and answers an elicitation through the ${form} endpoint`, async () => {
      const { client, answered, close } = await connectAnsweringClient({
        url: `${stack.gateway.url}${routeOf(form)}/sse`,
        token: stack.adminToken,
        transport: 'sse',
        answers: { elicitation: `legacy ${form}`, sampling: 'unused', roots: [] },
      });
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((tool) => tool.name === 'echo'));
        const echoed = await client.callTool({ name: 'echo', arguments: { text: form } });
        assert.equal((echoed.content as Array<{ text: string }>)[0]?.text, `echo: ${form}`);
        const asked = await client.callTool({ name: 'ask', arguments: { question: 'who?' } });
        assert.equal((asked.content as Array<{ text: string }>)[0]?.text, `answer: legacy ${form}`);
        assert.deepEqual(answered, ['elicitation/create']);
        const posted = upstreams
          .get(form)!
          .seenHeaders.filter((headers) => headers['content-type']?.toString().startsWith('application/json') && headers['user-agent'] !== HEALTH_CHECK_USER_AGENT);
        assert.ok(posted.length > 0 && posted.every((headers) => headers['x-user'] === 'admin'), 'the posts went through the gateway');
      } finally {
        await close();
      }
    });
  }
});
