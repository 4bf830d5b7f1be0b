import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from 'pino';

/** One MCP session: the server instance that speaks for it and the transport it speaks over. */
export interface McpSession<T> {
  transport: T;
  server: McpServer;
}

/** The open sessions of one transport kind, by session id, so requests find theirs and close() ends all. */
export class OpenSessions<T> {
  readonly #sessions = new Map<string, McpSession<T>>();

  constructor(
    readonly kind: string,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): McpSession<T> | undefined {
    return this.#sessions.get(id);
  }

  add(id: string, session: McpSession<T>): void {
    this.#sessions.set(id, session);
    this.logger.debug({ transport: this.kind, sessionId: id }, 'session opened');
  }

  remove(id: string): void {
    if (this.#sessions.delete(id)) this.logger.debug({ transport: this.kind, sessionId: id }, 'session closed');
  }

  /** Ends every session, closing its streams. */
  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled(sessions.map((session) => session.server.close()));
  }
}
