import type { ServerChanges, StoredServer } from './server-repository.js';

/**
 * The entry after an update: the changes (or what the change function returns) merged over the
 * current entry, undefined values ignored, path and registeredAt kept, revision incremented.
 */
export function applyChanges(current: StoredServer, changes: ServerChanges, now: Date): StoredServer {
  const edit = typeof changes === 'function' ? changes(current) : changes;
  const defined = Object.fromEntries(Object.entries(edit).filter(([, value]) => value !== undefined));
  return {
    ...current,
    ...defined,
    path: current.path,
    registeredAt: current.registeredAt,
    revision: current.revision + 1,
    updatedAt: now.toISOString(),
  };
}
