import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { pino } from 'pino';
import { startRegistry, type RunningRegistry } from '../../../registry/src/start-registry.js';
import { parseFernetKey, generateFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import {
  DEFAULT_SYNC_CHECK_INTERVAL_MS,
  type ExportTokens,
  type FederationSettings,
} from '../../../registry/src/federation/federation-settings.js';
import type { RunningFederation } from '../../../registry/src/start-federation.js';
import { createTestSchema, type TestSchema } from '../../support/postgres.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { TokenMint } from '../../support/tokens.js';
import { TEST_SCOPES } from '../../registry/support/test-registry.js';

/** A clock the test moves by hand. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(start = '2026-03-01T09:00:00.000Z'): TestClock {
  let current = Date.parse(start);
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

export interface FederatedRegistry {
  name: string;
  url: string;
  /** The token peers present to pull from it (FEDERATION_STATIC_TOKEN). */
  federationToken: string;
  adminToken: string;
  mint: TokenMint;
  clock: TestClock;
  /** Every log line, as parsed JSON. */
  logs: Array<{ msg: string; level: number; [key: string]: unknown }>;
  /** Calls its API as an administrator; answers status and parsed body. */
  api(method: string, apiPath: string, body?: unknown, token?: string): Promise<{ status: number; body: any; headers: Headers }>;
  /** Registers a local server at `serverPath`. */
  register(serverPath: string, overrides?: Record<string, unknown>): Promise<void>;
  /** Adds `other` as a peer (token and JWKS URL filled in). */
  addPeer(peerId: string, other: FederatedRegistry, settings?: Record<string, unknown>): Promise<void>;
  sync(peerId: string, full?: boolean): Promise<{ status: number; body: any }>;
  /** Server paths stored here, in order. */
  paths(): Promise<string[]>;
  federation(): RunningFederation;
  close(): Promise<void>;
}

export interface FederatedRegistryOptions {
  backend?: 'sqlite' | 'postgres';
  /** Export tokens; default a fresh current token and no previous one. */
  tokens?: Partial<ExportTokens>;
  clock?: TestClock;
  retries?: number;
  timeoutMs?: number;
  configFile?: string;
  /** An existing DATA_DIR (kept on close), e.g. to restart a registry on its data. */
  dataDir?: string;
  /** FEDERATION_ENCRYPTION_KEY; default a fresh key. */
  encryptionKey?: string;
}

let counter = 0;

/** A registry with federation on (static token auth, an encryption key), on 127.0.0.1, no background scheduler. */
export async function startFederatedRegistry(name: string, options: FederatedRegistryOptions = {}): Promise<FederatedRegistry> {
  counter += 1;
  const temp = makeTempDir(`mcpgw-fed-${name}-`);
  const dataDir = options.dataDir ?? path.join(temp.dir, 'data');
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  writeFileSync(scopesFile, TEST_SCOPES);
  const federationToken = options.tokens?.current ?? `federation-token-of-${name}-${counter}-0123456789abcdefghijklmnop`;
  const clock = options.clock ?? testClock();
  const logs: FederatedRegistry['logs'] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as FederatedRegistry['logs'][number]);
      done();
    },
  });
  const settings: FederationSettings = {
    tokens: { current: federationToken, previous: undefined, previousUntil: undefined, ...options.tokens },
    encryptionKey: parseFernetKey(options.encryptionKey ?? generateFernetKey()),
    checkIntervalMs: DEFAULT_SYNC_CHECK_INTERVAL_MS,
    syncTimeoutMs: options.timeoutMs ?? 5000,
    retries: options.retries ?? 0,
    backoffMs: 10,
    configFile: options.configFile ?? path.join(temp.dir, 'federation.json'),
  };
  let schema: TestSchema | undefined;
  let registry: RunningRegistry | undefined;
  let federation: RunningFederation | undefined;
  try {
    if (options.backend === 'postgres') schema = await createTestSchema();
    registry = await startRegistry({
      port: 0,
      dataDir,
      scopesFile,
      logger: pino({ level: 'info' }, sink),
      internalToken: `internal-token-${name}-0123456789abcdef0123456789`,
      ...(schema ? { database: { url: schema.url, schema: schema.schema } } : {}),
      federation: { settings, clock: clock.now, schedule: false, onStarted: (running) => (federation = running) },
    });
  } catch (error) {
    temp.remove();
    await schema?.drop();
    throw error;
  }
  const running = registry;
  const mint = await TokenMint.forDataDir(dataDir);
  const adminToken = await mint.token('admin', ['admins']);
  const api: FederatedRegistry['api'] = async (method, apiPath, body, token = adminToken) => {
    const response = await fetch(`${running.url}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
  };
  const self: FederatedRegistry = {
    name,
    url: running.url,
    federationToken,
    adminToken,
    mint,
    clock,
    logs,
    api,
    register: async (serverPath, overrides = {}) => {
      const answer = await api('POST', '/api/servers', { server_name: `${name} ${serverPath}`, path: serverPath, proxy_pass_url: 'http://127.0.0.1:8101/', ...overrides });
      if (answer.status !== 201) throw new Error(`registering ${serverPath} at ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    addPeer: async (peerId, other, extra = {}) => {
      const answer = await api('POST', '/api/peers', {
        peer_id: peerId,
        name: `registry ${other.name}`,
        endpoint: other.url,
        federation_token: other.federationToken,
        jwks_url: `${other.url}/.well-known/jwks.json`,
        ...extra,
      });
      if (answer.status !== 201) throw new Error(`adding peer ${peerId} at ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    sync: (peerId, full = false) => api('POST', `/api/peers/${peerId}/sync${full ? '?full=true' : ''}`),
    paths: async () => ((await api('GET', '/api/servers')).body.servers as Array<{ path: string }>).map((server) => server.path),
    federation: () => {
      if (federation === undefined) throw new Error('federation did not start');
      return federation;
    },
    close: async () => {
      try {
        await running.close();
      } finally {
        temp.remove();
        await schema?.drop();
      }
    },
  };
  return self;
}
