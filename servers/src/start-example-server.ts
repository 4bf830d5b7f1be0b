import type { Logger } from 'pino';
import { pino } from 'pino';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RunningServer } from '@mcpgw/lib/http/listen.js';
import type { ExampleServerName } from '@mcpgw/lib/examples/example-servers.js';
import { serveMcp } from './transport/serve-mcp.js';
import { createCurrentTimeServer } from './currenttime/create-currenttime-server.js';
import { createNotesServer } from './notes/create-notes-server.js';
import { NotesStore } from './notes/notes-store.js';

export { EXAMPLE_SERVERS, type ExampleServerInfo, type ExampleServerName } from '@mcpgw/lib/examples/example-servers.js';

export interface ExampleServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger?: Logger;
}

/** Per-process state of each example, and the factory of its per-session server instances. */
const FACTORIES: Record<ExampleServerName, () => () => McpServer> = {
  currenttime: () => () => createCurrentTimeServer(),
  notes: () => {
    const store = new NotesStore();
    return () => createNotesServer(store);
  },
};

/** Starts one example MCP server; close() ends every open session and stream, then stops listening. */
export function startExampleServer(name: ExampleServerName, options: ExampleServerOptions): Promise<RunningServer> {
  const factory = FACTORIES[name];
  if (!factory) throw new Error(`unknown example server ${JSON.stringify(name)}: use currenttime or notes`);
  return serveMcp({
    name,
    createServer: factory(),
    port: options.port,
    ...(options.host !== undefined ? { host: options.host } : {}),
    logger: options.logger ?? pino({ level: 'silent' }),
  });
}
