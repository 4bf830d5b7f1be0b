import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { startAuthServer } from '../../auth-server/src/start-auth-server.js';
import { startRegistry } from '../../registry/src/start-registry.js';
import { startGateway } from '../../gateway/src/start-gateway.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { makeTempDir } from './temp-dir.js';
import { TokenMint } from './tokens.js';

const silent = () => pino({ level: 'silent' });

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
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const temp = makeTempDir('mcpgw-stack-');
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  writeFileSync(scopesFile, options.scopes ?? readFileSync('config/scopes.yml', 'utf8'));
  const closables: Closable[] = [];
  try {
    const internalToken = loadInternalToken(temp.dir, {});
    const registry = await startRegistry({ port: 0, dataDir: temp.dir, scopesFile, logger: silent(), internalToken });
    closables.push(registry);
    const auth = await startAuthServer({ port: 0, dataDir: temp.dir, scopesFile, logger: silent() });
    closables.push(auth);
    const gateway = await startGateway({
      port: 0,
      authUrl: auth.url,
      registryUrl: registry.url,
      internalToken,
      routesPollMs: 50,
      authTimeoutMs: options.authTimeoutMs ?? 2000,
      logger: silent(),
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
