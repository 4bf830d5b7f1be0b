import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { McpError, ErrorCode, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RunningServer } from '@mcpgw/lib/http/listen.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { connectOver, textOf, TRANSPORT_KINDS } from './support/example-clients.js';

interface Note {
  id: string;
  title: string;
  body: string;
}

const contentsText = (result: ReadResourceResult): string => {
  const first = result.contents[0];
  if (first === undefined || !('text' in first) || typeof first.text !== 'string') throw new Error('expected a text resource');
  return first.text;
};

for (const kind of TRANSPORT_KINDS) {
  describe(`notes server over ${kind}`, () => {
    let server: RunningServer;
    let client: Client;
    beforeEach(async () => {
      server = await startExampleServer('notes', { port: 0, logger: pino({ level: 'silent' }) });
      client = await connectOver(kind, server.url);
    });
    afterEach(async () => {
      await client.close();
      await server.close();
    });

    test('lists its tools, resources, resource template and prompt', async () => {
      assert.equal(client.getServerVersion()?.name, 'notes');
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add_note', 'delete_note', 'get_note', 'list_notes']);
      const { resources } = await client.listResources();
      assert.deepEqual(resources.map((resource) => resource.uri).sort(), ['notes://all', 'notes://note/1', 'notes://note/2']);
      const { resourceTemplates } = await client.listResourceTemplates();
      assert.deepEqual(resourceTemplates.map((template) => template.uriTemplate), ['notes://note/{id}']);
      const { prompts } = await client.listPrompts();
      assert.deepEqual(prompts.map((prompt) => prompt.name), ['summarize_notes']);
    });

    test('starts with two seeded notes', async () => {
      const listed = JSON.parse(textOf(await client.callTool({ name: 'list_notes', arguments: {} }))) as Note[];
      assert.equal(listed.length, 2);
      const first = JSON.parse(textOf(await client.callTool({ name: 'get_note', arguments: { id: listed[0]?.id } }))) as Note;
      assert.equal(first.title, listed[0]?.title);
      assert.ok(first.body.length > 0);
    });

    test('add, get, read and delete a note', async () => {
      const added = JSON.parse(textOf(await client.callTool({ name: 'add_note', arguments: { title: 'Shopping', body: 'milk, eggs' } }))) as Note;
      assert.equal(added.title, 'Shopping');

      const fetched = JSON.parse(textOf(await client.callTool({ name: 'get_note', arguments: { id: added.id } }))) as Note;
      assert.deepEqual({ id: fetched.id, title: fetched.title, body: fetched.body }, { id: added.id, title: 'Shopping', body: 'milk, eggs' });

      const one = JSON.parse(contentsText(await client.readResource({ uri: `notes://note/${added.id}` }))) as Note;
      assert.equal(one.body, 'milk, eggs');
      const all = JSON.parse(contentsText(await client.readResource({ uri: 'notes://all' }))) as Note[];
      assert.deepEqual(all.map((note) => note.id), ['1', '2', added.id]);

      const deleted = await client.callTool({ name: 'delete_note', arguments: { id: added.id } });
      assert.notEqual(deleted.isError, true);
      const gone = await client.callTool({ name: 'get_note', arguments: { id: added.id } });
      assert.equal(gone.isError, true);
      const deletedAgain = await client.callTool({ name: 'delete_note', arguments: { id: added.id } });
      assert.equal(deletedAgain.isError, true);
      await assert.rejects(client.readResource({ uri: `notes://note/${added.id}` }), (error: unknown) => {
        assert.ok(error instanceof McpError);
        assert.equal(error.code, ErrorCode.InvalidParams);
        return true;
      });
      const remaining = JSON.parse(contentsText(await client.readResource({ uri: 'notes://all' }))) as Note[];
      assert.equal(remaining.length, 2);
    });

    test('add_note refuses input without a title', async () => {
      const result = await client.callTool({ name: 'add_note', arguments: { body: 'no title' } }).catch((error: unknown) => error);
      if (result instanceof McpError) assert.equal(result.code, ErrorCode.InvalidParams);
      else assert.equal((result as { isError?: boolean }).isError, true);
    });

    test('summarize_notes asks for a summary of every note', async () => {
      const prompt = await client.getPrompt({ name: 'summarize_notes', arguments: { focus: 'deadlines' } });
      assert.equal(prompt.messages.length, 1);
      const content = prompt.messages[0]?.content;
      assert.equal(content?.type, 'text');
      const text = (content as { text: string }).text;
      assert.match(text, /Welcome/);
      assert.match(text, /Gateway/);
      assert.match(text, /deadlines/);
    });
  });
}

describe('notes server state', () => {
  test('sessions share one notebook: a note added in one session is seen in another', async () => {
    const server = await startExampleServer('notes', { port: 0, logger: pino({ level: 'silent' }) });
    const writer = await connectOver('streamable-http', server.url);
    const reader = await connectOver('sse', server.url);
    try {
      const added = JSON.parse(textOf(await writer.callTool({ name: 'add_note', arguments: { title: 'Shared', body: 'x' } }))) as Note;
      const listed = JSON.parse(textOf(await reader.callTool({ name: 'list_notes', arguments: {} }))) as Note[];
      assert.ok(listed.some((note) => note.id === added.id));
    } finally {
      await writer.close();
      await reader.close();
      await server.close();
    }
  });
});
