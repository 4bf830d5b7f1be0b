import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import type { IdentitySettings, JwksSettings } from '@mcpgw/lib/providers/identity-settings.js';
import type { ProviderSettings } from '@mcpgw/lib/providers/provider-settings.js';
import { protectedResourceSettings } from '@mcpgw/lib/providers/protected-resource-settings.js';
import { startAuthServer } from '../../auth-server/src/start-auth-server.js';
import { startRegistry, type RegistryOptions } from '../../registry/src/start-registry.js';
import { startGateway, type GatewayOptions } from '../../gateway/src/start-gateway.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { freePort } from './free-port.js';
import { makeTempDir } from './temp-dir.js';
import { TEST_TOKEN_SETTINGS, TokenMint } from './tokens.js';


interface Closable {
  url: string;
  close(): Promise<void>;
}

/** The whole product on ephemeral ports, in this process: registry, auth-server, gateway, example servers. */
export interface Stack {
  dataDir: string;
  scopesFile: string;
  mint: TokenMint;
  adminToken: string;
  gateway: Closable;
  registry: Closable;
  auth: Closable;
  upstreams: Record<'currenttime' | 'notes', Closable>;
  /** Registers a server through the registry API as an administrator. */
  register(entry: Record<string, unknown>): Promise<Response>;
  /** Calls the registry API as an administrator. */
  registryApi(method: string, apiPath: string, body?: unknown): Promise<Response>;
  /**
   * Waits until the gateway's answer for `serverPath` satisfies `expect` (default: the route exists,
   * i.e. the gateway no longer answers GW_ROUTE_NOT_FOUND). Bounded: throws after about five seconds.
   */
  waitForRoute(serverPath: string, expect?: (status: number, code: string | undefined) => boolean): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** scopes.yml text; defaults to the shipped config/scopes.yml. */
  scopes?: string;
  authTimeoutMs?: number;
  /** Gateway settings for transport tests (time-outs, keep-alive, allowed origins). */
  gateway?: Pick<GatewayOptions, 'upstreamTimeoutMs' | 'sseKeepAliveMs' | 'allowedOrigins'>;
  /**
   * Identity providers whose tokens the auth-server and the registry accept besides the stack's own.
   * The gateway then listens on a port chosen beforehand, so that every service knows its public URL.
   */
  providers?: ProviderSettings[];
  /** JWKS fetching for those providers; default: no cooldown, so that a rotated key is fetched at once. */
  jwks?: JwksSettings;
  /** Where the registry, auth-server and gateway log (every level); by default they log nothing. */
  logStream?: NodeJS.WritableStream;
  /** Registry login, token vending settings. */
  registry?: Pick<RegistryOptions, 'login' | 'tokenVending'>;
}

const TEST_JWKS: JwksSettings = { timeoutMs: 1500, cooldownMs: 0, cacheMaxAgeMs: 600_000 };

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const temp = makeTempDir('mcpgw-stack-');
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  writeFileSync(scopesFile, options.scopes ?? readFileSync('config/scopes.yml', 'utf8'));
  const closables: Closable[] = [];
  const silent = () => (options.logStream ? createLogger('test', { level: 'trace', destination: options.logStream }) : pino({ level: 'silent' }));
  try {
    const internalToken = loadInternalToken(temp.dir, {});
    const gatewayPort = options.providers ? await freePort() : 0;
    const identity: IdentitySettings | undefined = options.providers && {
      providers: options.providers,
      loginOnly: [],
      gatewayPublicUrl: `http://127.0.0.1:${gatewayPort}`,
      clockSkewSeconds: 60,
      jwks: options.jwks ?? TEST_JWKS,
    };
    const registry = await startRegistry({
      port: 0,
      dataDir: temp.dir,
      scopesFile,
      logger: silent(),
      internalToken,
      ...(identity ? { identity } : {}),
      ...options.registry,
    });
    closables.push(registry);
    const auth = await startAuthServer({ port: 0, dataDir: temp.dir, scopesFile, logger: silent(), ...(identity ? { identity } : {}) });
    closables.push(auth);
    const gateway = await startGateway({
      port: gatewayPort,
      ...(identity ? { protectedResource: protectedResourceSettings(identity.providers, TEST_TOKEN_SETTINGS.issuer, identity.gatewayPublicUrl) } : {}),
      authUrl: auth.url,
      registryUrl: registry.url,
      internalToken,
      routesPollMs: 50,
      authTimeoutMs: options.authTimeoutMs ?? 2000,
      logger: silent(),
      ...options.gateway,
    });
    closables.push(gateway);
    const currenttime = await startExampleServer('currenttime', { port: 0, logger: silent() });
    closables.push(currenttime);
    const notes = await startExampleServer('notes', { port: 0, logger: silent() });
    closables.push(notes);

    const mint = await TokenMint.forDataDir(temp.dir);
    const adminToken = await mint.token('admin', ['mcp-registry-admin']);
    const registryApi = (method: string, apiPath: string, body?: unknown) =>
      fetch(`${registry.url}${apiPath}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const register = (entry: Record<string, unknown>) => registryApi('POST', '/api/servers', entry);

    const waitForRoute = async (
      serverPath: string,
      expect = (_status: number, code: string | undefined) => code !== 'GW_ROUTE_NOT_FOUND',
    ): Promise<void> => {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const response = await fetch(`${gateway.url}${serverPath}/mcp`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
        const code = await gatewayErrorCode(response);
        if (expect(response.status, code)) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`the gateway never showed the expected status for ${serverPath}`);
    };

    for (const [name, upstream] of [['currenttime', currenttime], ['notes', notes]] as const) {
      const response = await register({
        server_name: name,
        path: `/${name}`,
        proxy_pass_url: `${upstream.url}/`,
        description: `example ${name}`,
        supported_transports: ['streamable-http', 'sse'],
      });
      if (response.status !== 201) throw new Error(`registering ${name} failed: ${response.status} ${await response.text()}`);
      await waitForRoute(`/${name}`);
    }

    return {
      dataDir: temp.dir,
      scopesFile,
      mint,
      adminToken,
      gateway,
      registry,
      auth,
      upstreams: { currenttime, notes },
      register,
      registryApi,
      waitForRoute,
      close: async () => {
        for (const closable of closables.reverse()) await closable.close().catch(() => undefined);
        temp.remove();
      },
    };
  } catch (error) {
    for (const closable of closables.reverse()) await closable.close().catch(() => undefined);
    temp.remove();
    throw error;
  }
}

/** The `code` of an error the gateway made itself (plain or JSON-RPC shaped), if the answer is one. */
export async function gatewayErrorCode(response: Response): Promise<string | undefined> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; data?: { code?: unknown } } };
    const code = body.error?.data?.code ?? body.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
