import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  type ProgressToken,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { VirtualMember } from '@mcpgw/lib/virtual/virtual-server-schema.js';
import { clientRequestContext, type ClientRequestExtra } from './call-context.js';
import { memberError, MemberConnection, MemberUnavailableError, type ListKind } from './member-connection.js';
import { buildCatalogue, pageOf, type Catalogue, type CatalogueKind } from './virtual-catalogue.js';
import type { PrefixMode } from './virtual-names.js';

/** What a virtual server offers at one moment: its members (in path order), naming and, for a named one, its choice. */
export interface VirtualScope {
  memberPaths: readonly string[];
  prefixMode: PrefixMode;
  selection?: ReadonlyMap<string, VirtualMember>;
}

export interface VirtualSessionOptions {
  /** Read at each use, so registrations and edits apply to open sessions; undefined once the virtual server is gone. */
  scope: () => VirtualScope | undefined;
  selfUrl: string;
  credentials: Record<string, string>;
  /** Limit on one member call (reset by progress). */
  callTimeoutMs: number;
  logger: Logger;
}

const SERVER_INFO = { name: 'mcp-gateway', version: '0.1.0' };
const INSTRUCTIONS =
  'Every tool, prompt and resource you may use through this gateway. Tool and prompt names are <server>__<name> ' +
  '(the server path with "/" as "."), unless the gateway is set to prefix only names that collide.';

/**
 * The virtual MCP server for one client session: lists merged across the members, each call sent to
 * the member that offers it through the gateway's own route (so the member's access check applies to
 * every call), progress and the members' requests to the client relayed, member sessions closed with it.
 */
export function createVirtualSession(options: VirtualSessionOptions): { server: Server; close(): Promise<void> } {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true }, logging: {} },
    instructions: INSTRUCTIONS,
  });
  const members = new Map<string, MemberConnection>();
  const catalogues = new Map<CatalogueKind, Catalogue<CatalogueKind>>();

  const member = (path: string): MemberConnection => {
    let connection = members.get(path);
    if (!connection) {
      connection = new MemberConnection({
        path,
        selfUrl: options.selfUrl,
        credentials: options.credentials,
        clientCapabilities: server.getClientCapabilities(),
        events: {
          requestClient: (request, schema) => server.request(request, schema),
          notifyClient: (notification) => server.notification(notification),
          listChanged: (kind) => listChanged(kind),
        },
      });
      members.set(path, connection);
    }
    return connection;
  };
  const listChanged = (kind: ListKind): void => {
    if (kind === 'resources') {
      catalogues.delete('resources');
      catalogues.delete('resourceTemplates');
    } else {
      catalogues.delete(kind);
    }
    const send = kind === 'tools' ? server.sendToolListChanged() : kind === 'prompts' ? server.sendPromptListChanged() : server.sendResourceListChanged();
    send.catch(() => undefined);
  };

  /** A fresh list on a first page; the same list while a client pages through it. */
  const catalogue = async <K extends CatalogueKind>(kind: K, fresh: boolean): Promise<Catalogue<K>> => {
    const kept = catalogues.get(kind) as Catalogue<K> | undefined;
    if (kept && !fresh) return kept;
    const scope = options.scope();
    if (scope === undefined) throw new McpError(ErrorCode.InvalidRequest, 'this virtual server no longer exists; close the session');
    const built = await buildCatalogue(kind, scope.memberPaths.map(member), scope.prefixMode, options.logger, scope.selection);
    catalogues.set(kind, built as Catalogue<CatalogueKind>);
    return built;
  };
  /** The entry behind a name: from the list the client saw, else from a fresh one. */
  const find = async <K extends CatalogueKind>(kind: K, name: string) => {
    const known = (catalogues.get(kind) as Catalogue<K> | undefined)?.byName.get(name);
    return known ?? (await catalogue(kind, true)).byName.get(name);
  };
  const onMember = async <T>(path: string, extra: ClientRequestExtra, work: (connection: Awaited<ReturnType<MemberConnection['client']>>) => Promise<T>): Promise<T> => {
    try {
      const client = await member(path).client();
      return await clientRequestContext.run(extra, () => work(client));
    } catch (error) {
      if (error instanceof McpError) throw error;
      const failure = memberError(path, error);
      const status = failure instanceof MemberUnavailableError ? failure.httpStatus : undefined;
      if (status === 401 || status === 403) throw new McpError(ErrorCode.InvalidRequest, `you may not use ${path} this way; ask an administrator for access`);
      options.logger.warn({ member: path, reason: failure.message }, `virtual server: call to ${path} failed: ${failure.message}`);
      throw new McpError(ErrorCode.InternalError, `${failure.message}; try again shortly`);
    }
  };
  const progressRelay = (extra: ClientRequestExtra) => {
    const token: ProgressToken | undefined = extra._meta?.progressToken;
    if (token === undefined) return {};
    return {
      onprogress: (progress: { progress: number; total?: number; message?: string }) => {
        extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined);
      },
    };
  };
  const callOptions = (extra: ClientRequestExtra) => ({ signal: extra.signal, timeout: options.callTimeoutMs, resetTimeoutOnProgress: true, ...progressRelay(extra) });

  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const page = pageOf(await catalogue('tools', request.params?.cursor === undefined), request.params?.cursor);
    return { tools: page.items.map((entry) => ({ ...entry.item, name: entry.name })), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const entry = await find('tools', request.params.name);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${JSON.stringify(request.params.name)}; list the tools to see the names`);
    return onMember(entry.member, extra, (client) =>
      client.callTool({ name: entry.original, ...(request.params.arguments ? { arguments: request.params.arguments } : {}) }, undefined, callOptions(extra)),
    );
  });

  server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
    const page = pageOf(await catalogue('prompts', request.params?.cursor === undefined), request.params?.cursor);
    return { prompts: page.items.map((entry) => ({ ...entry.item, name: entry.name })), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    const entry = await find('prompts', request.params.name);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `unknown prompt ${JSON.stringify(request.params.name)}; list the prompts to see the names`);
    return onMember(entry.member, extra, (client) =>
      client.getPrompt({ name: entry.original, ...(request.params.arguments ? { arguments: request.params.arguments } : {}) }, callOptions(extra)),
    );
  });

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const page = pageOf(await catalogue('resources', request.params?.cursor === undefined), request.params?.cursor);
    return { resources: page.items.map((entry) => entry.item), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async (request) => {
    const page = pageOf(await catalogue('resourceTemplates', request.params?.cursor === undefined), request.params?.cursor);
    return { resourceTemplates: page.items.map((entry) => entry.item), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const { uri } = request.params;
    const listed = await find('resources', uri);
    if (listed) return onMember(listed.member, extra, (client) => client.readResource({ uri }, callOptions(extra)));
    // A URI made from a template: the members offering templates are asked in path order.
    const templates = await catalogue('resourceTemplates', !catalogues.has('resourceTemplates'));
    const candidates = [...new Set(templates.entries.map((entry) => entry.member))];
    for (const path of candidates) {
      try {
        return await onMember(path, extra, (client) => client.readResource({ uri }, callOptions(extra)));
      } catch (error) {
        if (!(error instanceof McpError)) throw error;
      }
    }
    throw new McpError(ErrorCode.InvalidParams, `no server you may use offers the resource ${JSON.stringify(uri)}`);
  });

  server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    await Promise.all(
      [...members.values()]
        .filter((connection) => connection.started)
        .map(async (connection) => {
          const client = await connection.client().catch(() => undefined);
          if (client?.getServerCapabilities()?.logging) await client.setLoggingLevel(request.params.level).catch(() => undefined);
        }),
    );
    return {};
  });

  return {
    server,
    async close() {
      await Promise.all([...members.values()].map((connection) => connection.close()));
      members.clear();
      await server.close().catch(() => undefined);
    },
  };
}
