import { EXAMPLE_SERVER_TRANSPORTS, type ExampleServerInfo } from '@mcpgw/lib/examples/example-servers.js';
import { issueToken } from '@mcpgw/lib/tokens/issue-token.js';
import { loadOrCreateSigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv } from '@mcpgw/lib/tokens/token-settings.js';
import { LOCAL_HOST } from './stack-config.js';
import { StackError } from './stack-error.js';

export const LAUNCHER_USER = 'mcpgw-launcher';
export const LAUNCHER_GROUPS = ['mcp-registry-admin'];
const LAUNCHER_TOKEN_TTL_SECONDS = 5 * 60;
const REQUEST_TIMEOUT_MS = 5000;

/** Registers each example server in the registry (see registerServerEntries). */
export async function registerExampleServers(
  registryUrl: string,
  examples: ReadonlyArray<ExampleServerInfo & { port: number }>,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const entries = examples.map((example) => ({
    server_name: example.name,
    path: example.path,
    proxy_pass_url: `http://${LOCAL_HOST}:${example.port}/`,
    description: example.description,
    tags: [...example.tags],
    supported_transports: [...EXAMPLE_SERVER_TRANSPORTS],
  }));
  await registerServerEntries(registryUrl, entries, dataDir, env);
}

/**
 * Registers server entries in the registry (POST /api/servers); a path already taken is replaced
 * (PUT /api/servers/<path>) so that a changed port reaches the gateway.
 */
export async function registerServerEntries(
  registryUrl: string,
  entries: ReadonlyArray<Record<string, unknown> & { path: string }>,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (entries.length === 0) return;
  const key = await loadOrCreateSigningKey(dataDir);
  const token = await issueToken(key, tokenSettingsFromEnv(env), {
    user: LAUNCHER_USER,
    groups: LAUNCHER_GROUPS,
    clientId: LAUNCHER_USER,
    ttlSeconds: LAUNCHER_TOKEN_TTL_SECONDS,
  });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (const entry of entries) {
    const body = JSON.stringify(entry);
    let response = await send(`${registryUrl}/api/servers`, 'POST', headers, body, entry.path);
    if (response.status === 409) {
      await response.body?.cancel();
      response = await send(`${registryUrl}/api/servers${entry.path}`, 'PUT', headers, body, entry.path);
    }
    if (response.status !== 200 && response.status !== 201) {
      const text = (await response.text()).slice(0, 500);
      throw new StackError(
        'STACK_REGISTRATION_FAILED',
        `the registry refused ${entry.path} (HTTP ${response.status}: ${text}); check that scopes.yml gives the group ` +
          `${LAUNCHER_GROUPS.join(', ')} register_service and modify_service`,
      );
    }
    await response.body?.cancel();
  }
}

async function send(url: string, method: string, headers: Record<string, string>, body: string, path: string): Promise<Response> {
  try {
    return await fetch(url, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new StackError('STACK_REGISTRATION_FAILED', `could not register ${path}: ${method} ${url} failed (${(error as Error).message})`, {
      cause: error,
    });
  }
}
