import { z } from 'zod';
import type { ReceivedExportPage } from './export-format.js';
import { PeerPullError } from './peer-pull-error.js';
import type { PulledChanges } from './pull-peer-export.js';

/**
 * Import from an official MCP Registry API (GET /v0.1/servers, cursor-paginated, `updated_since` for
 * increments, which then lists deleted servers too). Each server's latest version becomes an entry in
 * this registry's export shape, so that one sync plan serves every kind of peer: a remote without URL
 * variables becomes a routable server; a package-only server (or one whose URL needs variables) is
 * kept in the catalogue, disabled, as not routable.
 */
export const MCP_REGISTRY_PAGE_LIMIT = 100;
export const NOT_ROUTABLE_TAG = 'not-routable';
const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';
const MAX_PAGES = 10_000;

const remoteSchema = z.looseObject({ type: z.string(), url: z.string() });
const packageSchema = z.looseObject({ registryType: z.string(), identifier: z.string(), version: z.string().optional() });
const entrySchema = z.looseObject({
  server: z.looseObject({
    name: z.string().min(1),
    description: z.string().default(''),
    title: z.string().optional(),
    version: z.string(),
    remotes: z.array(remoteSchema).optional(),
    packages: z.array(packageSchema).optional(),
    repository: z.looseObject({ url: z.string().optional() }).optional(),
  }),
  _meta: z
    .looseObject({
      [OFFICIAL_META]: z.looseObject({ status: z.string(), updatedAt: z.string(), isLatest: z.boolean().optional() }).optional(),
    })
    .optional(),
});
const listSchema = z.looseObject({
  servers: z.array(z.unknown()),
  metadata: z.looseObject({ nextCursor: z.string().nullable().optional(), count: z.number().optional() }).optional(),
});

export interface McpRegistryPull {
  /** The MCP Registry's base URL, e.g. https://registry.modelcontextprotocol.io */
  endpoint: string;
  /** Epoch milliseconds of the newest updatedAt applied; 0 for everything. */
  since: number;
  signal: AbortSignal;
  fetch?: typeof fetch;
}

/** Pulls the latest version of every server (updated after `since`); deleted ones come back as removed. */
export async function pullMcpRegistry(request: McpRegistryPull): Promise<PulledChanges> {
  const servers: PulledChanges['servers'] = new Map();
  const removed = new Set<string>();
  let newest = request.since;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const list = await fetchList(request, cursor);
    for (const raw of list.servers) {
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) continue;
      const official = parsed.data._meta?.[OFFICIAL_META];
      if (official?.isLatest === false) continue;
      const path = `/${parsed.data.server.name.toLowerCase()}`;
      const updatedAt = official ? Date.parse(official.updatedAt) : Number.NaN;
      if (Number.isFinite(updatedAt)) newest = Math.max(newest, updatedAt);
      if (official?.status === 'deleted') {
        servers.delete(path);
        removed.add(path);
        continue;
      }
      removed.delete(path);
      servers.set(path, toEntry(path, parsed.data.server, request.endpoint, Number.isFinite(updatedAt) ? updatedAt : 0));
    }
    cursor = list.metadata?.nextCursor ?? undefined;
    if (cursor === undefined || cursor === '') return { servers, removed, nextSince: newest };
  }
  throw new PeerPullError(`the MCP Registry kept answering a next cursor after ${MAX_PAGES} pages`, false);
}

type OfficialServer = z.infer<typeof entrySchema>['server'];

function toEntry(path: string, server: OfficialServer, endpoint: string, updatedAtMs: number): ReceivedExportPage['servers'][number] {
  const remote = server.remotes?.find((candidate) => (candidate.type === 'streamable-http' || candidate.type === 'sse') && !candidate.url.includes('{') && URL.canParse(candidate.url));
  const common = {
    path,
    server_name: server.title ?? server.name,
    description: server.description,
    // Seconds: the copy's remote revision, changing whenever the registry's entry does.
    revision: Math.floor(updatedAtMs / 1000),
    metadata: {
      mcp_registry: {
        name: server.name,
        version: server.version,
        ...(server.packages ? { packages: server.packages.map((pkg) => ({ registryType: pkg.registryType, identifier: pkg.identifier, ...(pkg.version ? { version: pkg.version } : {}) })) } : {}),
        ...(server.repository?.url ? { repository: server.repository.url } : {}),
      },
    },
  };
  if (remote !== undefined) {
    const url = new URL(remote.url);
    return {
      ...common,
      proxy_pass_url: `${url.origin}/`,
      ...(remote.type === 'sse' ? { sse_endpoint: remote.url, supported_transports: ['sse'] } : { mcp_endpoint: remote.url, supported_transports: ['streamable-http'] }),
      tags: ['mcp-registry'],
      enabled: true,
    };
  }
  return {
    ...common,
    // Not routable: the entry points at its own record in the MCP Registry, and stays disabled.
    proxy_pass_url: new URL(`v0.1/servers/${encodeURIComponent(server.name)}/versions/latest`, withSlash(endpoint)).href,
    supported_transports: ['streamable-http'],
    tags: ['mcp-registry', NOT_ROUTABLE_TAG],
    enabled: false,
  };
}

async function fetchList(request: McpRegistryPull, cursor: string | undefined): Promise<z.infer<typeof listSchema>> {
  const url = new URL('v0.1/servers', withSlash(request.endpoint));
  url.searchParams.set('limit', String(MCP_REGISTRY_PAGE_LIMIT));
  url.searchParams.set('version', 'latest');
  if (request.since > 0) url.searchParams.set('updated_since', new Date(request.since).toISOString());
  if (cursor !== undefined) url.searchParams.set('cursor', cursor);
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(url, { headers: { accept: 'application/json' }, signal: request.signal, redirect: 'error' });
  } catch (error) {
    throw new PeerPullError(`cannot reach the MCP Registry at ${url.origin}: ${request.signal.aborted ? 'timed out or was stopped' : (error as Error).message}`, true, { cause: error });
  }
  const text = await response.text().catch((error: unknown) => {
    throw new PeerPullError(`the MCP Registry at ${url.origin} broke off its answer`, true, { cause: error });
  });
  if (response.status >= 500 || response.status === 429) throw new PeerPullError(`the MCP Registry failed (HTTP ${response.status})`, true);
  if (response.status !== 200) throw new PeerPullError(`the MCP Registry answered HTTP ${response.status} at ${url.pathname}: ${text.slice(0, 200)}`, false);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PeerPullError('the MCP Registry answered something that is not JSON', false, { cause: error });
  }
  const parsed = listSchema.safeParse(document);
  if (!parsed.success) throw new PeerPullError('the MCP Registry answered a list without `servers`', false);
  return parsed.data;
}

function withSlash(endpoint: string): string {
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}
