import type { ServerEntry } from './server-format.js';

/** Who is looking at servers: the groups of the caller's token, and where it may modify_service. */
export interface ServerViewer {
  groups: readonly string[];
  mayModify(path: string): boolean;
}

/**
 * Whether a viewer may see a server at all (its list_service grant is checked apart): a public
 * server is seen by everyone, a group-restricted one by members of one of its allowed_groups, and
 * any server by those who may modify it (so that a private server is seen only by them).
 */
export function isVisibleTo(server: Pick<ServerEntry, 'path' | 'visibility' | 'allowed_groups'>, viewer: ServerViewer): boolean {
  if (server.visibility === 'public') return true;
  if (server.visibility === 'group-restricted' && (server.allowed_groups ?? []).some((group) => viewer.groups.includes(group))) return true;
  return viewer.mayModify(server.path);
}
