import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Note, NotesStore } from './notes-store.js';

export const ALL_NOTES_URI = 'notes://all';
export const NOTE_URI_TEMPLATE = 'notes://note/{id}';

const noteUri = (id: string): string => `notes://note/${encodeURIComponent(id)}`;
const json = (value: unknown): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] });
const failure = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });
const noSuchNote = (id: string): string => `there is no note ${JSON.stringify(id)}; list_notes shows the ids`;

/** The notes MCP server over a shared notebook: four tools, two resources, one prompt. */
export function createNotesServer(store: NotesStore): McpServer {
  const server = new McpServer({ name: 'notes', version: '0.1.0' });
  const id = z.string().min(1).describe('The note id, as list_notes shows it');

  server.registerTool(
    'list_notes',
    { title: 'List notes', description: 'The id and title of every note.' },
    () => json(store.list().map(({ id: noteId, title }) => ({ id: noteId, title }))),
  );
  server.registerTool(
    'get_note',
    { title: 'Get a note', description: 'One note, with its body.', inputSchema: { id } },
    ({ id: noteId }) => {
      const note = store.get(noteId);
      return note ? json(note) : failure(noSuchNote(noteId));
    },
  );
  server.registerTool(
    'add_note',
    {
      title: 'Add a note',
      description: 'Adds a note and answers it with its new id.',
      inputSchema: { title: z.string().min(1).describe('A short title'), body: z.string().describe('The text of the note') },
    },
    ({ title, body }) => json(store.add(title, body)),
  );
  server.registerTool(
    'delete_note',
    { title: 'Delete a note', description: 'Deletes a note for good.', inputSchema: { id } },
    ({ id: noteId }) => (store.delete(noteId) ? json({ deleted: noteId }) : failure(noSuchNote(noteId))),
  );

  server.registerResource(
    'all-notes',
    ALL_NOTES_URI,
    { title: 'All notes', description: 'Every note, as JSON.', mimeType: 'application/json' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(store.list(), null, 2) }] }),
  );
  server.registerResource(
    'note',
    new ResourceTemplate(NOTE_URI_TEMPLATE, {
      list: () => ({
        resources: store.list().map((note) => ({ uri: noteUri(note.id), name: note.title, mimeType: 'application/json' })),
      }),
    }),
    { title: 'One note', description: 'One note by id, as JSON.', mimeType: 'application/json' },
    (uri, variables) => {
      const noteId = decodeURIComponent(String(variables.id));
      const note = store.get(noteId);
      if (!note) throw new McpError(ErrorCode.InvalidParams, noSuchNote(noteId));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(note, null, 2) }] };
    },
  );

  server.registerPrompt(
    'summarize_notes',
    {
      title: 'Summarize notes',
      description: 'Asks the model for a short summary of every note.',
      argsSchema: { focus: z.string().optional().describe('What the summary should pay attention to') },
    },
    ({ focus }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: summaryRequest(store.list(), focus) } }],
    }),
  );
  return server;
}

function summaryRequest(notes: Note[], focus: string | undefined): string {
  const listing = notes.map((note) => `- ${note.title} (${note.id}): ${note.body}`).join('\n');
  const about = focus ? ` Pay particular attention to: ${focus}.` : '';
  return `Summarize these ${notes.length} notes in a few sentences.${about}\n\n${listing}`;
}
