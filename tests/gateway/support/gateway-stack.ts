import type { Route } from '@mcpgw/lib/routes/route-table.js';
import { pino } from 'pino';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../../gateway/src/start-gateway.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { TokenMint } from '../../support/tokens.js';
import { startAuthCheckServer, type AuthCheckServer } from './auth-check-server.js';
import { startRouteFeed, TEST_INTERNAL_TOKEN, type RouteFeedServer } from './route-feed-server.js';

export const silentLogger = pino({ level: 'silent' });

export interface GatewayStack {
  gateway: RunningGateway;
  auth: AuthCheckServer;
  feed: RouteFeedServer;
  mint: TokenMint;
  /** A valid token for user `alice` in group `users`. */
  token: string;
  close(): Promise<void>;
}

/**
 * A real gateway in front of a check server and a route feed, both real HTTP servers on ephemeral
 * ports, with tokens signed by the key of a temporary DATA_DIR. Waits for the first route table.
 */
export async function startGatewayStack(routes: Route[], options: Partial<GatewayOptions> = {}): Promise<GatewayStack> {
  const temp = makeTempDir('mcpgw-gateway-test-');
  const mint = await TokenMint.forDataDir(temp.dir);
  const auth = await startAuthCheckServer(temp.dir);
  const feed = await startRouteFeed(routes);
  const gateway = await startGateway({
    port: 0,
    authUrl: auth.url,
    registryUrl: feed.url,
    internalToken: TEST_INTERNAL_TOKEN,
    routesPollMs: 25,
    logger: silentLogger,
    ...options,
  });
  const stack: GatewayStack = {
    gateway,
    auth,
    feed,
    mint,
    token: await mint.token('alice', ['users']),
    close: async () => {
      await gateway.close();
      await Promise.all([auth.close(), feed.close()]);
      temp.remove();
    },
  };
  if (!options.routeSource) await waitFor(async () => (await healthOf(gateway.url)).routes === routes.length && feed.counts.full > 0);
  return stack;
}

export async function healthOf(url: string): Promise<{ status: string; routes: number }> {
  const response = await fetch(`${url}/health`);
  return (await response.json()) as { status: string; routes: number };
}

/** Polls `condition` until it holds; fails after `attempts` tries. */
export async function waitFor(condition: () => boolean | Promise<boolean>, attempts = 200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}
