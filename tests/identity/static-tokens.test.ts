import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { IdentitySettings } from '@mcpgw/lib/providers/identity-settings.js';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import { createStaticTokenMatcher } from '@mcpgw/lib/tokens/static-token-matcher.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { startAuthServer } from '../../auth-server/src/start-auth-server.js';
import { createFederationTokenVerifier, federationStaticTokenFromEnv } from '../../registry/src/auth/federation-token-verifier.js';
import { registryApiKeysFromEnv } from '../../registry/src/auth/registry-api-keys.js';
import { startRegistry } from '../../registry/src/start-registry.js';
import { makeTempDir } from '../support/temp-dir.js';

const CI_KEY = 'ci-key-0123456789abcdef0123456789';
const DEPLOY_KEY = 'deploy-key-abcdef0123456789abcdef';
const NO_PROVIDERS: IdentitySettings = {
  providers: [],
  loginOnly: [],
  gatewayPublicUrl: 'http://127.0.0.1:8000',
  clockSkewSeconds: 60,
  jwks: { timeoutMs: 1500, cooldownMs: 30_000, cacheMaxAgeMs: 600_000 },
};

const identity = (name: string): Identity => ({ user: name, username: name, clientId: name, groups: [], tokenScopes: [], authMethod: 'test', expiresAt: 0 });

describe('static tokens for machines', () => {
  test('REGISTRY_API_TOKEN, REGISTRY_API_KEYS and REGISTRY_API_KEYS_FILE are read together, with REGISTRY_API_GROUPS', () => {
    const temp = makeTempDir();
    try {
      const file = path.join(temp.dir, 'keys');
      writeFileSync(file, `# machines\nbackup:${'b'.repeat(20)}\n\n`);
      const keys = registryApiKeysFromEnv({
        REGISTRY_API_TOKEN: CI_KEY,
        REGISTRY_API_KEYS: `deploy:${DEPLOY_KEY}, sync:${'s'.repeat(16)}`,
        REGISTRY_API_KEYS_FILE: file,
      });
      assert.deepEqual(keys.keys.map((key) => key.name), ['registry-api-token', 'deploy', 'sync', 'backup']);
      assert.deepEqual(keys.groups, ['mcp-registry-admin']);
      assert.deepEqual(registryApiKeysFromEnv({ REGISTRY_API_GROUPS: 'readers, ops' }).groups, ['readers', 'ops']);
      assert.deepEqual(registryApiKeysFromEnv({}).keys, []);
    } finally {
      temp.remove();
    }
  });

  test('malformed, short and repeated keys are refused, every one reported', () => {
    assert.throws(
      () => registryApiKeysFromEnv({ REGISTRY_API_KEYS: `nokey,a:short,b:${DEPLOY_KEY},b:${CI_KEY},bad name:${CI_KEY}` }),
      (error: Error) => ['is not name:key', 'at least 16', 'used twice', 'must be letters'].every((part) => error.message.includes(part)),
    );
  });

  test('the matcher accepts exactly a configured key, never a prefix, an extension or a near miss', () => {
    const match = createStaticTokenMatcher([{ name: 'ci', key: CI_KEY }, { name: 'deploy', key: DEPLOY_KEY }], identity);
    assert.equal(match(CI_KEY)?.user, 'ci');
    assert.equal(match(DEPLOY_KEY)?.user, 'deploy');
    for (const near of [CI_KEY.slice(0, -1), `${CI_KEY}x`, CI_KEY.toUpperCase(), `${CI_KEY.slice(0, -1)}0`, '', ' ']) {
      assert.equal(match(near), undefined, JSON.stringify(near));
    }
  });

  test('the federation token is accepted only when enabled, and defers every other token', async () => {
    assert.equal(federationStaticTokenFromEnv({ FEDERATION_STATIC_TOKEN: CI_KEY }), undefined, 'disabled by default');
    assert.throws(() => federationStaticTokenFromEnv({ FEDERATION_STATIC_TOKEN_AUTH_ENABLED: 'true' }), /FEDERATION_STATIC_TOKEN/);
    assert.throws(() => federationStaticTokenFromEnv({ FEDERATION_STATIC_TOKEN_AUTH_ENABLED: 'true', FEDERATION_STATIC_TOKEN: 'short' }), /at least 32/);
    const secret = 'f'.repeat(40);
    assert.equal(federationStaticTokenFromEnv({ FEDERATION_STATIC_TOKEN_AUTH_ENABLED: 'true', FEDERATION_STATIC_TOKEN: secret }), secret);

    const fallback: TokenVerifier = {
      verify: async (token) => {
        if (token === 'peer-jwt') return identity('jwt-peer');
        throw new TokenError('AUTH_TOKEN_MALFORMED', 'not a token');
      },
    };
    const verifier = createFederationTokenVerifier(secret, fallback);
    const peer = await verifier.verify(secret);
    assert.deepEqual([peer.user, peer.authMethod, peer.groups], ['federation-peer', 'federation-static-token', []]);
    assert.equal((await verifier.verify('peer-jwt')).user, 'jwt-peer');
    await assert.rejects(verifier.verify(`${secret}x`), { code: 'AUTH_TOKEN_MALFORMED' });
    await assert.rejects(createFederationTokenVerifier(undefined, fallback).verify(secret), { code: 'AUTH_TOKEN_MALFORMED' });
  });
});

describe('registry API keys against the running services', () => {
  const temp = makeTempDir();
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let auth: Awaited<ReturnType<typeof startAuthServer>>;

  before(async () => {
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    writeFileSync(scopesFile, readFileSync('config/scopes.yml', 'utf8'));
    const logger = pino({ level: 'silent' });
    registry = await startRegistry({
      port: 0,
      dataDir: temp.dir,
      scopesFile,
      logger,
      internalToken: 'internal-token-0123456789abcdef0123456789',
      identity: NO_PROVIDERS,
      apiKeys: { keys: [{ name: 'ci', key: CI_KEY }], groups: ['mcp-registry-admin'] },
    });
    auth = await startAuthServer({ port: 0, dataDir: temp.dir, scopesFile, logger, identity: NO_PROVIDERS });
  });
  after(async () => {
    await registry?.close();
    await auth?.close();
    temp.remove();
  });

  test('an API key acts as a service principal with the configured groups on the registry API', async () => {
    const api = (key: string, init: RequestInit = {}) =>
      fetch(`${registry.url}/api/servers`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    const created = await api(CI_KEY, {
      method: 'POST',
      body: JSON.stringify({ server_name: 'ci', path: '/ci-server', proxy_pass_url: 'http://127.0.0.1:9/', supported_transports: ['streamable-http'] }),
    });
    assert.equal(created.status, 201);
    assert.equal((await api(CI_KEY)).status, 200);
    const wrong = await api(`${CI_KEY.slice(0, -1)}x`);
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'AUTH_TOKEN_MALFORMED');
  });

  test('the auth-server, and so the gateway, does not accept a registry API key', async () => {
    const response = await fetch(`${auth.url}/validate`, { headers: { 'x-server-path': '/ci-server', authorization: `Bearer ${CI_KEY}`, 'x-mcp-method': 'tools/list' } });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'AUTH_TOKEN_MALFORMED');
  });
});
