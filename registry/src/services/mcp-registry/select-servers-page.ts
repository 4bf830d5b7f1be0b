import { OFFICIAL_META_KEY, type ServerList, type ServerResponse } from './mcp-registry-types.js';

/** GET /v0.1/servers, parsed: which servers and which page. */
export interface ServersQuery {
  /** The `nextCursor` of the previous page: `<name>:<version>` of its last server. */
  cursor?: string;
  limit: number;
  /** Case-insensitive substring of the name. */
  search?: string;
  /** Epoch milliseconds; only servers updated after it. */
  updatedSince?: number;
  /** `latest`, or an exact version. */
  version?: string;
  /** Whether servers with the status `deleted` are included. */
  includeDeleted: boolean;
}

/** Filters, orders by name and cuts one page; `nextCursor` only when more servers follow. */
export function selectServersPage(responses: readonly ServerResponse[], query: ServersQuery): ServerList {
  const search = query.search?.toLowerCase();
  const after = query.cursor === undefined ? undefined : cursorName(query.cursor);
  const selected = responses
    .filter((response) => {
      const { server } = response;
      const official = response._meta[OFFICIAL_META_KEY];
      if (!query.includeDeleted && official.status === 'deleted') return false;
      if (search !== undefined && !server.name.toLowerCase().includes(search)) return false;
      if (query.updatedSince !== undefined && !(Date.parse(official.updatedAt) > query.updatedSince)) return false;
      if (query.version !== undefined && !(query.version === 'latest' ? official.isLatest : server.version === query.version)) return false;
      return after === undefined || server.name > after;
    })
    .sort((a, b) => (a.server.name < b.server.name ? -1 : a.server.name > b.server.name ? 1 : 0));
  const page = selected.slice(0, query.limit);
  const last = page.at(-1);
  const more = selected.length > page.length && last !== undefined;
  return { servers: page, metadata: { count: page.length, ...(more ? { nextCursor: `${last.server.name}:${last.server.version}` } : {}) } };
}

/** Names hold no `:`, so the cursor's name is everything before the first one. */
function cursorName(cursor: string): string {
  const colon = cursor.indexOf(':');
  return colon === -1 ? cursor : cursor.slice(0, colon);
}
