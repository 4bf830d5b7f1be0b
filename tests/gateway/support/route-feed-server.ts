import { createServer } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH, type Route } from '@mcpgw/lib/routes/route-table.js';

export const TEST_INTERNAL_TOKEN = 'test-internal-token-0123456789abcdef0123456789';

export interface RouteFeedServer {
  url: string;
  /** `ok` serves the table; `down` answers 500; `garbage` answers 200 with something else. */
  mode: 'ok' | 'down' | 'garbage';
  /** Feed requests answered 200, 304 and refused for a wrong token. */
  counts: { full: number; notModified: number; refused: number };
  setRoutes(routes: Route[]): void;
  close(): Promise<void>;
}

/** A registry route feed (GET /internal/routes with the internal token, ETag and 304). */
export async function startRouteFeed(routes: Route[] = []): Promise<RouteFeedServer> {
  let version = 1;
  let table = { version: String(version), routes };
  const state: RouteFeedServer = {
    url: '',
    mode: 'ok',
    counts: { full: 0, notModified: 0, refused: 0 },
    setRoutes(next) {
      version += 1;
      table = { version: String(version), routes: next };
    },
    close: async () => {},
  };
  const server = createServer((req, res) => {
    if (req.url !== ROUTES_FEED_PATH) return void res.writeHead(404).end();
    if (req.headers[INTERNAL_TOKEN_HEADER] !== TEST_INTERNAL_TOKEN) {
      state.counts.refused += 1;
      return void res.writeHead(401).end();
    }
    if (state.mode === 'down') return void res.writeHead(500).end('registry exploded');
    if (state.mode === 'garbage') {
      return void res.writeHead(200, { 'content-type': 'application/json', etag: '"garbage"' }).end('{"routes":"nope"');
    }
    const etag = `"${table.version}"`;
    if (req.headers['if-none-match'] === etag) {
      state.counts.notModified += 1;
      return void res.writeHead(304, { etag }).end();
    }
    state.counts.full += 1;
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify(table));
  });
  const running = await listen(server, 0, '127.0.0.1', 0);
  state.url = running.url;
  state.close = async () => {
    server.closeAllConnections();
    await running.close();
  };
  return state;
}

export function route(path: string, proxyPassUrl: string, enabled = true): Route {
  return { path, proxyPassUrl, enabled, serverName: path.slice(1) };
}
