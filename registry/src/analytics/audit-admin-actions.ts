import { readFile } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import type { Caller } from '../auth/authenticate-caller.js';
import { SCOPES_API_PATH } from '../api/scopes-router.js';
import { SERVERS_API_PATH } from '../api/servers-router.js';
import { parseServerPath } from '../services/parse-server-input.js';
import type { ServerService } from '../services/server-service.js';
import type { AuditTrail } from './audit-trail.js';

export interface AuditAdminDependencies {
  audit: AuditTrail;
  servers: ServerService;
  /** scopes.yml, read as is before and after a scopes edit. */
  scopesFile: string;
}

interface Change {
  action: string;
  /** What was changed; read once the request is done (a registration names its path in the body). */
  target: () => string | undefined;
  /** The thing as it stands, or null when it does not exist. */
  read: () => Promise<unknown>;
}

/**
 * Records every successful change through the servers and scopes APIs in the audit log: who, what,
 * when, and the thing as read just before and just after the change.
 */
export function auditAdminActions({ audit, servers, scopesFile }: AuditAdminDependencies): RequestHandler {
  const readServer = (path: string | undefined) => async () => (path === undefined ? null : servers.get(path).catch(() => null));
  const readScopes = async () => ({ text: await readFile(scopesFile, 'utf8') });

  const describe = (request: Request): Change | undefined => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return undefined;
    if (request.path === SCOPES_API_PATH || request.path.startsWith(`${SCOPES_API_PATH}/`)) {
      const part = request.path.slice(SCOPES_API_PATH.length).replace(/^\//, '');
      return { action: `scopes.${request.method.toLowerCase()}`, target: () => (part === '' ? 'scopes.yml' : `scopes.yml:${part}`), read: readScopes };
    }
    if (request.path === SERVERS_API_PATH && request.method === 'POST') {
      let path: string | undefined;
      return {
        action: 'server.register',
        target: () => (path ??= serverPathOf((request.body as { path?: unknown } | undefined)?.path)),
        read: async () => (path === undefined ? null : readServer(path)()),
      };
    }
    if (!request.path.startsWith(`${SERVERS_API_PATH}/`)) return undefined;
    const rest = request.path.slice(SERVERS_API_PATH.length + 1);
    const toggle = request.method === 'POST' && rest.endsWith('/toggle');
    const path = serverPathOf(toggle ? rest.slice(0, -'/toggle'.length) : rest);
    const action = toggle ? 'server.toggle' : ({ PUT: 'server.replace', PATCH: 'server.patch', DELETE: 'server.delete' } as Record<string, string>)[request.method];
    if (action === undefined || path === undefined) return undefined;
    return { action, target: () => path, read: readServer(path) };
  };

  return async (request, response, next) => {
    const change = describe(request);
    // Without credentials the request is refused before it changes anything: nothing to read.
    if (change === undefined || (request.get('authorization') === undefined && request.get('x-authorization') === undefined)) return next();
    const before = await change.read().catch(() => null);
    response.once('finish', () => {
      const caller = response.locals.caller as Caller | undefined;
      if (response.statusCode >= 300 || caller === undefined) return;
      const target = change.target();
      if (target === undefined) return;
      void change.read().catch(() => null).then((after) => audit.record(caller.identity, change.action, target, before, after));
    });
    next();
  };
}

function serverPathOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return parseServerPath(decodeURIComponent(raw));
  } catch {
    return undefined;
  }
}
