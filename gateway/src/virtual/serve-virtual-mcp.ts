import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { CHECK_REQUEST_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import { VIRTUAL_MCP_PATH } from '@mcpgw/lib/paths/reserved-paths.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { AccessChecker } from '../authz/check-access.js';
import type { OriginPolicy } from '../cors/origin-policy.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { RpcContext } from '../errors/send-error.js';
import { REQUEST_ID_HEADER } from '../headers/request-id.js';
import { schemeOf } from '../headers/scheme-of.js';
import { readBody } from '../proxy/read-body.js';
import type { LiveRoutes } from '../routes/live-routes.js';
import { createVirtualSession, type VirtualScope } from './virtual-session.js';
import type { PrefixMode } from './virtual-names.js';

export interface VirtualMcpSettings {
  prefixMode: PrefixMode;
  /** A session nobody used for this long is closed, with its member sessions. */
  idleMs: number;
  /** Most open sessions; a new one beyond answers 503. */
  maxSessions: number;
  callTimeoutMs: number;
}

export interface VirtualMcpContext {
  routes: LiveRoutes;
  access: AccessChecker;
  origins: OriginPolicy;
  /** The gateway's loopback URL, known once it listens. */
  selfUrl: () => string;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  settings: VirtualMcpSettings;
  logger: Logger;
}

export interface VirtualMcpEndpoint {
  /** Answers a request to /mcp; resolves false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string, requestId: string, rpc: RpcContext | undefined): Promise<boolean>;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  close(): Promise<void>;
  /** Hash of the credentials that opened it: a session id is good only with them. */
  owner: string;
  /** `/mcp`, or the name of the virtual server it belongs to. */
  endpoint: string;
  lastUsed: number;
}

const CREDENTIAL_HEADERS = ['authorization', 'x-authorization'] as const;
const VIRTUAL_PATH_PREFIX = '/virtual/';
const NAMED_VIRTUAL_PATH = /^\/virtual\/([a-z0-9][a-z0-9-]{0,62})\/mcp$/;

/** `/mcp` for the virtual server of everything, the name for `/virtual/<name>/mcp`, undefined for other paths. */
function endpointOf(pathname: string): string | undefined {
  if (pathname === VIRTUAL_MCP_PATH) return VIRTUAL_MCP_PATH;
  return NAMED_VIRTUAL_PATH.exec(pathname)?.[1];
}

/**
 * /mcp: the virtual MCP server. The caller is authenticated at the door (the auth-server's
 * /authenticate); each session belongs to the credentials that opened it; everything a session does
 * on a member goes through the gateway's own route for that member, where the usual check decides it.
 */
export function createVirtualMcpEndpoint(context: VirtualMcpContext): VirtualMcpEndpoint {
  const sessions = new Map<string, Session>();
  const reaper = setInterval(() => {
    const idleSince = Date.now() - context.settings.idleMs;
    for (const [id, session] of sessions) {
      if (session.lastUsed < idleSince) {
        context.logger.info({ session: id }, 'virtual server: idle session closed');
        void session.close();
      }
    }
  }, Math.min(60_000, Math.max(1000, context.settings.idleMs / 4)));
  reaper.unref();

  const enabledPaths = (): Set<string> => new Set((context.routes.current()?.all() ?? []).filter((route) => route.enabled).map((route) => route.path));
  /** `/mcp`: every enabled server. A named one: its members that are routed and enabled, with its choice. */
  const scopeOf = (endpoint: string) => (): VirtualScope | undefined => {
    if (endpoint === VIRTUAL_MCP_PATH) return { memberPaths: [...enabledPaths()], prefixMode: context.settings.prefixMode };
    const definition = context.routes.current()?.virtualServer(endpoint);
    if (definition === undefined) return undefined;
    const enabled = enabledPaths();
    const members = definition.members.filter((member) => enabled.has(member.server)).sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
    return { memberPaths: members.map((member) => member.server), prefixMode: definition.prefix_mode, selection: new Map(members.map((member) => [member.server, member])) };
  };

  const open = async (credentials: Record<string, string>, owner: string, endpoint: string): Promise<Session> => {
    if (sessions.size >= context.settings.maxSessions) {
      throw new GatewayError('GW_VIRTUAL_SESSIONS_FULL', 'the virtual MCP server has too many open sessions; close unused ones or try again later');
    }
    let session: Session | undefined;
    const virtual = createVirtualSession({
      scope: scopeOf(endpoint),
      selfUrl: context.selfUrl(),
      credentials,
      callTimeoutMs: context.settings.callTimeoutMs,
      logger: context.logger,
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        if (session) sessions.set(id, session);
      },
    });
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
        await virtual.close();
      })();
      return closing;
    };
    transport.onclose = () => void close();
    session = { transport, close, owner, endpoint, lastUsed: Date.now() };
    await virtual.server.connect(transport);
    return session;
  };

  return {
    async handle(req, res, pathname, requestId, rpc) {
      const endpoint = endpointOf(pathname);
      if (endpoint === undefined) return false;
      if (endpoint !== VIRTUAL_MCP_PATH && context.routes.current()?.virtualServer(endpoint) === undefined) {
        // A virtual server created a moment ago may not have reached this gateway yet.
        await context.routes.refreshAfterMiss().catch(() => undefined);
        if (context.routes.current()?.virtualServer(endpoint) === undefined) {
          throw new GatewayError('GW_ROUTE_NOT_FOUND', `no virtual server is named ${endpoint}; the registry lists them at /api/virtual-servers`);
        }
      }
      const cors = context.origins.check(req);
      if (cors) for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
      let parsedBody: unknown;
      if (rpc) {
        const body = await readBody(req, context.maxBodyBytes, context.bodyTimeoutMs);
        try {
          parsedBody = JSON.parse(body.toString('utf8'));
        } catch {
          throw new GatewayError('GW_PARSE_ERROR', 'the body is not JSON');
        }
        const id = (parsedBody as { id?: unknown } | null)?.id;
        if (typeof id === 'string' || typeof id === 'number') rpc.id = id;
      }
      const credentials: Record<string, string> = {};
      for (const name of CREDENTIAL_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') credentials[name] = value;
      }
      await context.access.authenticate({
        ...credentials,
        accept: 'application/json',
        [CHECK_REQUEST_HEADERS.originalUrl]: `${schemeOf(req)}://${req.headers.host ?? 'localhost'}${req.url ?? VIRTUAL_MCP_PATH}`,
        [CHECK_REQUEST_HEADERS.originalMethod]: req.method ?? 'GET',
        [CHECK_REQUEST_HEADERS.serverPath]: endpoint === VIRTUAL_MCP_PATH ? VIRTUAL_MCP_PATH : `${VIRTUAL_PATH_PREFIX}${endpoint}`,
        [REQUEST_ID_HEADER]: requestId,
      });
      const owner = createHash('sha256').update(`${credentials.authorization ?? ''}\n${credentials['x-authorization'] ?? ''}`).digest('base64url');

      const sessionId = req.headers['mcp-session-id'];
      let session: Session | undefined;
      if (typeof sessionId === 'string') {
        const found = sessions.get(sessionId);
        // Another caller's session id is treated as unknown: it reveals nothing and reaches nothing.
        if (found && found.owner === owner && found.endpoint === endpoint) session = found;
        if (!session) throw new GatewayError('GW_SESSION_NOT_FOUND', 'the session is unknown or has ended; initialize a new one');
      } else if (req.method === 'POST' && isInitializeRequest(parsedBody)) {
        session = await open(credentials, owner, endpoint);
      } else {
        throw new GatewayError('GW_INVALID_REQUEST', 'send Mcp-Session-Id, or initialize a session first');
      }
      session.lastUsed = Date.now();
      await session.transport.handleRequest(req, res, parsedBody);
      return true;
    },
    async close() {
      clearInterval(reaper);
      await Promise.all([...sessions.values()].map((session) => session.close()));
    },
  };
}
