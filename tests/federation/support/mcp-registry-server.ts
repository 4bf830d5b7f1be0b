import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';

/** Copies of the MCP Registry's published examples and of responses in its handlers' shapes. */
const FIXTURES = fileURLToPath(new URL('../fixtures/mcp-registry/', import.meta.url));
const OFFICIAL = 'io.modelcontextprotocol.registry/official';

export interface OfficialMeta {
  status: 'active' | 'deprecated' | 'deleted';
  statusChangedAt: string;
  publishedAt: string;
  updatedAt: string;
  isLatest: boolean;
}

/** One ServerResponse of the MCP Registry API: `{ server, _meta }`. */
export interface ServerResponse {
  server: { name: string; version: string; [key: string]: unknown };
  _meta: { [OFFICIAL]: OfficialMeta };
}

/** The MCP Registry's derived sample responses (shapes of modelcontextprotocol/registry's handlers). */
export function derivedSamples(): Record<string, { servers: ServerResponse[]; metadata: { nextCursor?: string; count: number } }> {
  return JSON.parse(readFileSync(`${FIXTURES}derived-sample-responses.json`, 'utf8'));
}

/** A server.json example of the spec, as a ServerResponse published at `at`. */
export function exampleEntry(file: string, at: string): ServerResponse {
  const server = JSON.parse(readFileSync(`${FIXTURES}${file}`, 'utf8'));
  return { server, _meta: { [OFFICIAL]: { status: 'active', statusChangedAt: at, publishedAt: at, updatedAt: at, isLatest: true } } };
}

export interface McpRegistryServer extends RunningServer {
  entries: ServerResponse[];
  /** The query strings of every GET /v0.1/servers, in order. */
  queries: URLSearchParams[];
}

/**
 * A local MCP Registry answering GET /v0.1/servers as the official one does: entries ordered by name
 * and version, `cursor` the `name:version` of the last entry of the previous page, `limit`,
 * `version=latest`, `updated_since` (RFC 3339; deleted entries included), problem+json errors.
 */
export async function startMcpRegistryServer(entries: ServerResponse[]): Promise<McpRegistryServer> {
  const queries: URLSearchParams[] = [];
  const state = { entries };
  const problem = (status: number, title: string, detail: string) => ({ status, body: { title, status, detail } });
  const answer = (url: URL): { status: number; body: unknown } => {
    if (url.pathname !== '/v0.1/servers') return problem(404, 'Not Found', 'Endpoint not found. See /docs for the API documentation.');
    const query = url.searchParams;
    queries.push(query);
    const limit = Number(query.get('limit') ?? '30');
    const since = query.get('updated_since');
    if (since !== null && (!/^\d{4}-\d\d-\d\dT/.test(since) || Number.isNaN(Date.parse(since)))) {
      return problem(400, 'Bad Request', 'Invalid updated_since format: expected RFC3339 timestamp (e.g., 2025-08-07T13:15:04.280Z)');
    }
    const includeDeleted = since !== null || query.get('include_deleted') === 'true';
    const sorted = [...state.entries].sort((a, b) => `${a.server.name}:${a.server.version}`.localeCompare(`${b.server.name}:${b.server.version}`));
    const cursor = query.get('cursor');
    const selected = sorted
      .filter((entry) => cursor === null || `${entry.server.name}:${entry.server.version}` > cursor)
      .filter((entry) => query.get('version') !== 'latest' || entry._meta[OFFICIAL].isLatest)
      .filter((entry) => since === null || Date.parse(entry._meta[OFFICIAL].updatedAt) > Date.parse(since))
      .filter((entry) => includeDeleted || entry._meta[OFFICIAL].status !== 'deleted');
    const page = selected.slice(0, limit);
    const last = page.at(-1);
    // As the official handlers do: a full page carries a next cursor, even when nothing follows it.
    const more = page.length === limit && last !== undefined;
    return { status: 200, body: { servers: page, metadata: { ...(more ? { nextCursor: `${last.server.name}:${last.server.version}` } : {}), count: page.length } } };
  };
  const server = createServer((request, response) => {
    const { status, body } = answer(new URL(request.url ?? '/', 'http://registry.invalid'));
    response.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' }).end(JSON.stringify(body));
  });
  const running = await listen(server, 0, '127.0.0.1');
  return {
    ...running,
    get entries() {
      return state.entries;
    },
    set entries(next: ServerResponse[]) {
      state.entries = next;
    },
    queries,
  };
}
