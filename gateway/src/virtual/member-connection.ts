import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  CreateMessageResultSchema,
  ElicitRequestSchema,
  ElicitResultSchema,
  ListRootsRequestSchema,
  ListRootsResultSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type ClientCapabilities,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { clientRequestContext } from './call-context.js';

export type ListKind = 'tools' | 'prompts' | 'resources';

/** What a member sends toward the client, and how the virtual server learns its lists changed. */
export interface MemberEvents {
  /** Sends a request to the client outside any client request (when no call is in flight). */
  requestClient<T extends z.ZodType>(request: ServerRequest, schema: T): Promise<z.infer<T>>;
  notifyClient(notification: ServerNotification): Promise<void>;
  listChanged(kind: ListKind): void;
}

export interface MemberOptions {
  /** The member's server path, e.g. `/currenttime`. */
  path: string;
  /** The gateway's own loopback URL: members are reached through the gateway, checked like any caller. */
  selfUrl: string;
  /** The client's credential headers (authorization, x-authorization), sent on every member request. */
  credentials: Record<string, string>;
  clientCapabilities: ClientCapabilities | undefined;
  events: MemberEvents;
}

export class MemberUnavailableError extends Error {
  constructor(
    readonly path: string,
    readonly httpStatus: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CLIENT_INFO = { name: 'mcp-gateway-virtual', version: '0.1.0' };

/**
 * One member server for one client session: an MCP SDK client session with the member, through
 * the gateway's own per-server route, opened on first use and ended (DELETE) with the client's.
 */
export class MemberConnection {
  private connecting: Promise<Client> | undefined;
  private transport: StreamableHTTPClientTransport | undefined;
  private closed = false;

  constructor(private readonly options: MemberOptions) {}

  get path(): string {
    return this.options.path;
  }

  /** The connected client; a failed connection is retried on the next use. */
  client(): Promise<Client> {
    if (this.closed) return Promise.reject(new MemberUnavailableError(this.path, undefined, 'the session is closed'));
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** Whether a session with the member is open (or opening). */
  get started(): boolean {
    return this.connecting !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    const client = await connecting.catch(() => undefined);
    if (!client) return;
    await this.transport?.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const { path, selfUrl, credentials, clientCapabilities, events } = this.options;
    const capabilities: ClientCapabilities = {};
    if (clientCapabilities?.elicitation) capabilities.elicitation = clientCapabilities.elicitation;
    if (clientCapabilities?.sampling) capabilities.sampling = clientCapabilities.sampling;
    if (clientCapabilities?.roots) capabilities.roots = clientCapabilities.roots;
    const client = new Client(CLIENT_INFO, { capabilities });

    // A member's request to the client goes on the stream of the client request it serves, when there is one.
    const relay = <T extends z.ZodType>(request: ServerRequest, schema: T): Promise<z.infer<T>> => {
      const extra = clientRequestContext.getStore();
      return extra ? extra.sendRequest(request, schema) : events.requestClient(request, schema);
    };
    if (capabilities.elicitation) client.setRequestHandler(ElicitRequestSchema, (request) => relay(request, ElicitResultSchema));
    if (capabilities.sampling) client.setRequestHandler(CreateMessageRequestSchema, (request) => relay(request, CreateMessageResultSchema));
    if (capabilities.roots) client.setRequestHandler(ListRootsRequestSchema, (request) => relay(request, ListRootsResultSchema));
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => events.listChanged('tools'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => events.listChanged('prompts'));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => events.listChanged('resources'));
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => events.notifyClient(notification));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => events.notifyClient(notification));

    const transport = new StreamableHTTPClientTransport(new URL(`${selfUrl}${path}/mcp`), { requestInit: { headers: credentials } });
    this.transport = transport;
    try {
      await client.connect(transport);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw memberError(path, error);
    }
    return client;
  }
}

/** A member's failure as a MemberUnavailableError with the HTTP status the gateway answered, when there was one. */
export function memberError(path: string, error: unknown): Error {
  if (error instanceof MemberUnavailableError) return error;
  if (error instanceof StreamableHTTPError) {
    return new MemberUnavailableError(path, error.code, `${path} answered HTTP ${error.code ?? '?'}`, { cause: error });
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
  return new MemberUnavailableError(path, undefined, `${path} is unreachable (${detail})`, { cause: error });
}
