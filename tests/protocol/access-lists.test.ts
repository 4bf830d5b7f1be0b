import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient } from '../support/mcp-client.js';
import { connectAnsweringClient } from './support/answering-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { ACCESS_SCOPES } from './support/access-scopes.js';
import { PROMPT_NAMES, RESOURCE_URIS, startPagedUpstream, TEMPLATE_URIS, TOOL_NAMES, type PagedUpstream } from './support/paged-upstream.js';

interface Page {
  names: string[];
  nextCursor: string | undefined;
}

/** Every page of a list, each page's item names and its nextCursor, following nextCursor to the end. */
async function allPages(fetchPage: (cursor: string | undefined) => Promise<{ names: string[]; nextCursor?: string | undefined }>): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const { names, nextCursor } = await fetchPage(cursor);
    pages.push({ names, nextCursor });
    cursor = nextCursor;
  } while (cursor !== undefined && pages.length < 10);
  return pages;
}

const toolPages = (client: Client) =>
  allPages(async (cursor) => {
    const result = await client.listTools(cursor === undefined ? {} : { cursor });
    return { names: result.tools.map((tool) => tool.name), nextCursor: result.nextCursor };
  });
const promptPages = (client: Client) =>
  allPages(async (cursor) => {
    const result = await client.listPrompts(cursor === undefined ? {} : { cursor });
    return { names: result.prompts.map((prompt) => prompt.name), nextCursor: result.nextCursor };
  });
const resourcePages = (client: Client) =>
  allPages(async (cursor) => {
    const result = await client.listResources(cursor === undefined ? {} : { cursor });
    return { names: result.resources.map((resource) => resource.uri), nextCursor: result.nextCursor };
  });
const templatePages = (client: Client) =>
  allPages(async (cursor) => {
    const result = await client.listResourceTemplates(cursor === undefined ? {} : { cursor });
    return { names: result.resourceTemplates.map((template) => template.uriTemplate), nextCursor: result.nextCursor };
  });

/** The upstream's own pages, filtered by `keep`: what the gateway must show. */
function expectedPages(all: readonly string[], keep: (name: string) => boolean): Page[] {
  const pages: Page[] = [];
  for (let start = 0; start < all.length; start += 3) {
    const end = start + 3;
    pages.push({ names: all.slice(start, end).filter(keep), nextCursor: end < all.length ? String(end) : undefined });
  }
  return pages;
}

describe('list answers through the gateway show only what the caller may use', () => {
  let stack: Stack;
  let upstream: PagedUpstream;
  const tokens: Record<'lister' | 'narrow' | 'unlisted' | 'notes-reader', string> = { lister: '', narrow: '', unlisted: '', 'notes-reader': '' };

  before(async () => {
    upstream = await startPagedUpstream();
    stack = await startStack({ scopes: ACCESS_SCOPES });
    for (const mode of ['json', 'sse']) {
      const path = `/paged-${mode}`;
      const response = await stack.register({ server_name: path.slice(1), path, proxy_pass_url: `${upstream.url}/${mode}/`, supported_transports: ['streamable-http'] });
      assert.equal(response.status, 201);
      await stack.waitForRoute(path);
    }
    for (const group of ['lister', 'narrow', 'unlisted', 'notes-reader'] as const) tokens[group] = await stack.mint.token(group, [group]);
  });
  after(async () => {
    await stack?.close();
    await upstream?.close();
  });

  const connect = (mode: string, group: keyof typeof tokens) => connectClient(`${stack.gateway.url}/paged-${mode}/mcp`, tokens[group]);

  for (const mode of ['json', 'sse']) {
    describe(`${mode === 'json' ? 'JSON' : 'event-stream'} answers`, () => {
      test('the answer really comes as the upstream sends it', async () => {
        const response = await fetch(`${stack.gateway.url}/paged-${mode}/mcp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.lister}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type')?.split(';')[0], mode === 'json' ? 'application/json' : 'text/event-stream');
        const text = await response.text();
        assert.match(text, /"echo"/);
        assert.doesNotMatch(text, /admin_reset/);
      });

      test('tools/list: every page is filtered and keeps its nextCursor', async () => {
        const client = await connect(mode, 'lister');
        try {
          const pages = await toolPages(client);
          const allowed = new Set(['echo', 'get_time', 'export_data']);
          assert.deepEqual(pages, expectedPages(TOOL_NAMES, (name) => allowed.has(name)));
          assert.deepEqual(pages.map((page) => page.names), [['echo'], ['get_time'], ['export_data']]);
        } finally {
          await client.close();
        }
      });

      test('pages left empty by the filter still lead to the next page', async () => {
        const client = await connect(mode, 'narrow');
        try {
          const pages = await toolPages(client);
          assert.deepEqual(pages.map((page) => page.names), [['echo'], [], []]);
          assert.deepEqual(pages.map((page) => page.nextCursor), ['3', '6', undefined]);
        } finally {
          await client.close();
        }
      });

      test('the items shown are the upstream items, unchanged', async () => {
        const client = await connect(mode, 'lister');
        const direct = await connectClient(`${upstream.url}/${mode}/mcp`, undefined);
        try {
          const [viaGateway, fromUpstream] = await Promise.all([client.listTools(), direct.listTools()]);
          assert.deepEqual(viaGateway.tools, fromUpstream.tools.filter((tool) => tool.name === 'echo'));
        } finally {
          await Promise.all([client.close(), direct.close()]);
        }
      });

      test('prompts/list shows only the listed prompts, page by page', async () => {
        const client = await connect(mode, 'lister');
        try {
          const allowed = new Set(['summarise', 'greet']);
          assert.deepEqual(await promptPages(client), expectedPages(PROMPT_NAMES, (name) => allowed.has(name)));
        } finally {
          await client.close();
        }
      });

      test('resources/list and resources/templates/list show only URIs the caller may read', async () => {
        const client = await connect(mode, 'lister');
        try {
          const readable = (uri: string) => uri.startsWith('test://docs/') || uri === 'test://index';
          assert.deepEqual(await resourcePages(client), expectedPages(RESOURCE_URIS, readable));
          assert.deepEqual((await templatePages(client)).map((page) => page.names), [['test://docs/{name}']]);
        } finally {
          await client.close();
        }
      });

      test('an empty prompts list hides every prompt; an exact URI shows one resource', async () => {
        const client = await connect(mode, 'narrow');
        try {
          assert.deepEqual((await promptPages(client)).flatMap((page) => page.names), []);
          assert.deepEqual((await resourcePages(client)).flatMap((page) => page.names), ['test://index']);
          assert.deepEqual((await templatePages(client)).flatMap((page) => page.names), []);
        } finally {
          await client.close();
        }
      });

      test('where no entry lists prompts or resources, their lists are not filtered', async () => {
        const client = await connect(mode, 'unlisted');
        try {
          assert.deepEqual((await promptPages(client)).flatMap((page) => page.names), PROMPT_NAMES);
          assert.deepEqual((await resourcePages(client)).flatMap((page) => page.names), RESOURCE_URIS);
          assert.deepEqual((await templatePages(client)).flatMap((page) => page.names), TEMPLATE_URIS);
          assert.deepEqual((await toolPages(client)).flatMap((page) => page.names), TOOL_NAMES);
        } finally {
          await client.close();
        }
      });
    });
  }

  test('legacy SSE: list answers that come over the GET event stream are filtered too', async () => {
    const connect = (group: keyof typeof tokens) =>
      connectAnsweringClient({ url: `${stack.gateway.url}/notes/sse`, token: tokens[group], transport: 'sse', answers: { elicitation: '', sampling: '', roots: [] } });
    const reader = await connect('notes-reader');
    const full = await connect('unlisted');
    try {
      assert.deepEqual((await reader.client.listPrompts()).prompts, []);
      assert.deepEqual((await reader.client.listResources()).resources.map((resource) => resource.uri), ['notes://all']);
      assert.deepEqual((await reader.client.listResourceTemplates()).resourceTemplates, []);
      assert.deepEqual((await full.client.listPrompts()).prompts.map((prompt) => prompt.name), ['summarize_notes']);
      assert.deepEqual((await full.client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate), ['notes://note/{id}']);
    } finally {
      await Promise.all([reader.close(), full.close()]);
    }
  });
});
