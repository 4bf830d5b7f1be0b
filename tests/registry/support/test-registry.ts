import type { KeycloakAdminSettings } from '@mcpgw/lib/keycloak/keycloak-admin-settings.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import type { TokenRequest } from '@mcpgw/lib/tokens/issue-token.js';
import { startRegistry, type RegistryOptions, type RunningRegistry } from '../../../registry/src/start-registry.js';
import { openRegistryStore } from '../../../registry/src/store/open-registry-store.js';
import type { RegistryStore } from '../../../registry/src/store/registry-store.js';
import { createTestSchema, type TestSchema } from '../../support/postgres.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { TokenMint } from '../../support/tokens.js';
import type { RegistryBackend } from './registry-backends.js';

const ALL_SERVER_ACTIONS = ['list_service', 'register_service', 'toggle_service', 'modify_service', 'delete_service'] as const;
export type ServerAction = (typeof ALL_SERVER_ACTIONS)[number];

function grants(actions: readonly ServerAction[], targets = '[all]'): string {
  return actions.map((action) => `    ${action}: ${targets}`).join('\n');
}

/**
 * Groups used by the registry tests: `admins` may do everything; `readers` only list; `team` lists
 * /team/weather and currenttime and may register /team/new; `no-<action>` may do everything but that.
 */
export const TEST_SCOPES = `
group_mappings:
  admins: [registry-admin]
  readers: [registry-reader]
  team: [team-reader]
${ALL_SERVER_ACTIONS.map((action) => `  no-${action.replace('_service', '')}: [no-${action.replace('_service', '')}]`).join('\n')}
UI-Scopes:
  registry-admin:
${grants(ALL_SERVER_ACTIONS)}
  registry-reader:
${grants(['list_service'])}
  team-reader:
    list_service: [/team/weather, currenttime]
    register_service: [/team/new/]
${ALL_SERVER_ACTIONS.map((action) => `  no-${action.replace('_service', '')}:\n${grants(ALL_SERVER_ACTIONS.filter((a) => a !== action))}`).join('\n')}
servers/all:
  - server: '*'
    methods: [all]
    tools: [all]
`;

export interface TestRegistry {
  backend: RegistryBackend;
  url: string;
  dataDir: string;
  scopesFile: string;
  internalToken: string;
  mint: TokenMint;
  /** A valid token for a user in these groups. */
  token(groups: string[], extra?: Partial<TokenRequest>): Promise<string>;
  /** supertest against the running registry. */
  http(): ReturnType<typeof request>;
  /** Rewrites scopes.yml atomically, as an editor or the registry would. */
  writeScopes(text: string): Promise<void>;
  /** Stops the registry (the data stays) and starts it again on the same DATA_DIR or schema. */
  restart(): Promise<void>;
  /** Another registry on the same data (DATA_DIR, scopes.yml, database), as a second replica. */
  replica(): Promise<RunningRegistry>;
  /** A connection of its own to the registry's store, to set up what the API cannot. */
  openStore(): Promise<RegistryStore>;
  close(): Promise<void>;
}

export const INTERNAL_TOKEN = 'test-internal-token-0123456789abcdef-0123456789';

export interface TestRegistryOptions {
  /** Default sqlite; postgres runs on a schema of its own, dropped on close. */
  backend?: RegistryBackend;
  /** Keycloak's admin API for /api/idp (none by default). */
  keycloakAdmin?: KeycloakAdminSettings;
  /** Health, scan and event stream settings of the registry. */
  registry?: Pick<RegistryOptions, 'health' | 'eventsKeepAliveMs'>;
}

/** A real registry on an ephemeral port with a temporary DATA_DIR and scopes.yml, on SQLite or PostgreSQL. */
export async function startTestRegistry(scopes = TEST_SCOPES, options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const backend = options.backend ?? 'sqlite';
  const temp = makeTempDir('mcpgw-registry-');
  const dataDir = path.join(temp.dir, 'data');
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  writeFileSync(scopesFile, scopes);
  let schema: TestSchema | undefined;
  const removeData = async (): Promise<void> => {
    temp.remove();
    await schema?.drop();
  };
  const database = () => (schema === undefined ? {} : { database: { url: schema.url, schema: schema.schema } });
  const start = (): Promise<RunningRegistry> =>
    startRegistry({ port: 0, dataDir, scopesFile, logger: pino({ level: 'silent' }), internalToken: INTERNAL_TOKEN, keycloakAdmin: options.keycloakAdmin ?? null, ...database(), ...options.registry });
  let registry: RunningRegistry;
  try {
    if (backend === 'postgres') schema = await createTestSchema();
    registry = await start();
  } catch (error) {
    await removeData();
    throw error;
  }
  const mint = await TokenMint.forDataDir(dataDir);
  return {
    backend,
    get url() {
      return registry.url;
    },
    dataDir,
    scopesFile,
    internalToken: INTERNAL_TOKEN,
    mint,
    token: (groups, extra = {}) => mint.token('tester', groups, extra),
    http: () => request(registry.url),
    writeScopes: (text) => writeFileAtomic(scopesFile, text),
    restart: async () => {
      await registry.close();
      registry = await start();
    },
    replica: start,
    openStore: () => openRegistryStore({ dataDir, ...database() }),
    close: async () => {
      try {
        await registry.close();
      } finally {
        await removeData();
      }
    },
  };
}

/** A server entry in the registry's JSON format. */
export function entry(pathText: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { server_name: `server ${pathText}`, path: pathText, proxy_pass_url: 'http://127.0.0.1:8101/', ...overrides };
}

/** Polls until check() holds; for waiting on file watchers. Throws after about five seconds. */
export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
