import { canonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { serverInputSchema } from '../services/server-format.js';
import { fieldsOf } from '../services/server-service.js';
import type { ImportedItem, ImportedServer, PeerFilters } from '../store/peer-repository.js';
import type { PulledChanges } from './pull-peer-export.js';

/** A server of the peer that was not imported because it is not a valid entry here. */
export interface RejectedServer {
  path: string;
  reason: string;
}

export interface SyncPlan {
  upserts: ImportedServer[];
  orphans: string[];
  rejected: RejectedServer[];
}

/** Where a peer's server lives here: `/{peer_id}{remote path}`. */
export function localPathOf(peerId: string, remotePath: string): string {
  return canonicalServerPath(`/${peerId}/${remotePath.replace(/^\/+/, '')}`);
}

/** Whether the peer's filters select a server. */
export function isSelected(filters: PeerFilters, server: { path: string; tags?: unknown }): boolean {
  if (filters.syncMode === 'all') return true;
  if (filters.syncMode === 'whitelist') return filters.whitelistServers.includes(canonicalOrSelf(server.path));
  const tags = Array.isArray(server.tags) ? server.tags : [];
  return tags.some((tag) => filters.tagFilters.includes(tag as string));
}

/**
 * What to write for what was pulled: selected servers become read-only copies (checked like any
 * registration); copies whose source is gone or no longer selected become orphans; on a full pull,
 * so does every copy the peer no longer lists.
 */
export function planSync(
  peerId: string,
  filters: PeerFilters,
  pulled: PulledChanges,
  imported: readonly ImportedItem[],
  full: boolean,
  routeViaGateway: string | null = null,
): SyncPlan {
  const active = new Map(imported.filter((item) => !item.orphaned).map((item) => [item.remotePath, item]));
  const known = new Map(imported.map((item) => [item.remotePath, item]));
  const upserts: ImportedServer[] = [];
  const orphans = new Set<string>();
  const rejected: RejectedServer[] = [];
  const kept = new Set<string>();
  for (const [remotePath, server] of pulled.servers) {
    if (!isSelected(filters, server)) {
      const item = known.get(remotePath);
      if (item !== undefined) orphans.add(item.path);
      continue;
    }
    const { path: _remote, revision: _revision, updated_at: _updated, ...exported } = server;
    const rest = routeViaGateway === null ? exported : throughGateway(exported, remotePath, routeViaGateway);
    let localPath: string;
    try {
      localPath = localPathOf(peerId, remotePath);
    } catch (error) {
      rejected.push({ path: remotePath, reason: (error as Error).message });
      continue;
    }
    const parsed = serverInputSchema.safeParse({ ...rest, path: localPath });
    if (!parsed.success) {
      rejected.push({ path: remotePath, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
      continue;
    }
    kept.add(remotePath);
    upserts.push({
      path: parsed.data.path,
      remotePath,
      remoteRevision: server.revision,
      // Registries export no metadata; an MCP Registry entry carries its package and version details in it.
      fields: { ...fieldsOf(parsed.data), source: 'federated', federatedFrom: peerId },
    });
  }
  for (const remotePath of pulled.removed) {
    const item = known.get(remotePath);
    if (item !== undefined) orphans.add(item.path);
  }
  if (full) for (const [remotePath, item] of active) if (!kept.has(remotePath)) orphans.add(item.path);
  return { upserts, orphans: [...orphans], rejected };
}

/** A server reached through the peer's gateway at `{gateway}/{remote path}/`, which serves its mcp and sse endpoints itself. */
function throughGateway(server: Record<string, unknown>, remotePath: string, gateway: string): Record<string, unknown> {
  const { mcp_endpoint: _mcp, sse_endpoint: _sse, ...rest } = server;
  const base = gateway.endsWith('/') ? gateway : `${gateway}/`;
  return { ...rest, proxy_pass_url: new URL(`${remotePath.replace(/^\/+/, '')}/`, base).href };
}

function canonicalOrSelf(path: string): string {
  try {
    return canonicalServerPath(path);
  } catch {
    return path;
  }
}
