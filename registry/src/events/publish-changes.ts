import type { ServerEntry } from '../services/server-format.js';
import type { ServerService } from '../services/server-service.js';
import type { ScopesService } from '../services/scopes/scopes-service.js';
import type { EventAudience, EventBus } from './event-bus.js';

export const SERVER_EVENT_TYPES = {
  registered: 'server.registered',
  updated: 'server.updated',
  toggled: 'server.toggled',
  deleted: 'server.deleted',
  health: 'server.health',
  tools: 'server.tools',
  scan: 'server.scan',
} as const;
export const SCOPES_UPDATED = 'scopes.updated';

/** The audience of events about a server: those who may list and see it. */
export function serverAudience(server: Pick<ServerEntry, 'path' | 'visibility' | 'allowed_groups'>): EventAudience {
  return { kind: 'server', path: server.path, visibility: server.visibility, allowedGroups: server.allowed_groups ?? [] };
}

/** The server service, publishing each registration, edit, toggle and deletion after it succeeds. */
export function withServerEvents(servers: ServerService, bus: EventBus): ServerService {
  const published = (type: string, entry: ServerEntry, extra: Record<string, unknown> = {}): ServerEntry => {
    bus.publish({ type, audience: serverAudience(entry), data: { path: entry.path, server: entry, ...extra } });
    return entry;
  };
  /** An edit, published with the names of the fields it changed. */
  const edited = async (path: string, edit: () => Promise<ServerEntry>): Promise<ServerEntry> => {
    const before = await servers.get(path).catch(() => undefined);
    const after = await edit();
    return published(SERVER_EVENT_TYPES.updated, after, { changed: changedFields(before, after) });
  };
  return {
    ...servers,
    register: async (input, provenance) => published(SERVER_EVENT_TYPES.registered, await servers.register(input, provenance)),
    replace: (path, input, options) => edited(path, () => servers.replace(path, input, options)),
    patch: (path, patch, options) => edited(path, () => servers.patch(path, patch, options)),
    toggle: async (path, enabled, options) => published(SERVER_EVENT_TYPES.toggled, await servers.toggle(path, enabled, options)),
    remove: async (path) => {
      const before = await servers.get(path);
      await servers.remove(path);
      bus.publish({ type: SERVER_EVENT_TYPES.deleted, audience: serverAudience(before), data: { path } });
    },
  };
}

const BOOKKEEPING: ReadonlySet<string> = new Set(['revision', 'updated_at', 'registered_at']);

/** The fields of a server entry that differ between two versions, sorted; every field when there is no earlier one. */
export function changedFields(before: ServerEntry | undefined, after: ServerEntry): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  const value = (entry: ServerEntry | undefined, key: string) => JSON.stringify((entry as Record<string, unknown> | undefined)?.[key]);
  return [...keys].filter((key) => !BOOKKEEPING.has(key) && value(before, key) !== value(after, key)).sort();
}

/** The scopes editor, publishing each edit and rollback to those who may view scopes. */
export function withScopesEvents(scopes: ScopesService, bus: EventBus): ScopesService {
  const audience: EventAudience = { kind: 'action', action: 'view_scopes' };
  const published = <T extends { revision: number; author: string; action: string }>(view: T): T => {
    bus.publish({ type: SCOPES_UPDATED, audience, data: { revision: view.revision, author: view.author, action: view.action } });
    return view;
  };
  return {
    ...scopes,
    edit: async (change, request) => published(await scopes.edit(change, request)),
    rollback: async (revision, request) => published(await scopes.rollback(revision, request)),
  };
}
