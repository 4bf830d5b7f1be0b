import { RegistryError } from '../errors/registry-error.js';
import type { PeerRepository } from '../store/peer-repository.js';
import type { StoredServer } from '../store/server-repository.js';
import { toExportedServer, type ExportPage } from './export-format.js';

export const DEFAULT_EXPORT_LIMIT = 100;
export const MAX_EXPORT_LIMIT = 500;

/**
 * Whether a server may leave this registry toward a caller in `groups`: local servers only (a copy
 * imported from a peer is never passed on, so there are no chains and no loops), public ones to
 * everyone, group-restricted ones to callers sharing a group, private ones never.
 */
export function isExportable(server: StoredServer, groups: readonly string[]): boolean {
  if (server.source !== 'local') return false;
  if (server.visibility === 'public') return true;
  return server.visibility === 'group-restricted' && server.allowedGroups.some((group) => groups.includes(group));
}

/**
 * One page of the export feed after `since`. A changed server the caller may not have (made private,
 * restricted, …) is reported as removed, so an importer that had it drops it.
 */
export async function exportServers(peers: PeerRepository, groups: readonly string[], since: number, limit: number): Promise<ExportPage> {
  const latest = await peers.latestSequence();
  if (since > latest) {
    // This registry's data was restored or replaced: the importer's cursor means nothing here.
    throw new RegistryError('REGISTRY_FEDERATION_CURSOR_UNKNOWN', 410, `since=${since} is past this registry's latest change (${latest}); pull again from since=0`);
  }
  const changes = await peers.exportChanges(since, limit + 1);
  const page = changes.slice(0, limit);
  const servers: ExportPage['servers'] = [];
  const removed: string[] = [];
  for (const change of page) {
    if (change.kind === 'removed') removed.push(change.path);
    else if (isExportable(change.server, groups)) servers.push(toExportedServer(change.server));
    else if (since > 0 && change.server.source === 'local') removed.push(change.server.path);
  }
  const last = page.at(-1);
  return { servers, removed, since, next_since: last?.seq ?? latest, has_more: changes.length > limit };
}
