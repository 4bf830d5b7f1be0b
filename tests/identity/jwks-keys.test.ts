import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { createProviderVerifier, type ProviderVerifierOptions } from '@mcpgw/lib/providers/create-provider-verifier.js';
import { listen } from '@mcpgw/lib/http/listen.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import { startAuthServer } from '../../auth-server/src/start-auth-server.js';
import { freePort } from '../support/free-port.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { makeTempDir } from '../support/temp-dir.js';
import { IDENTITY_SCOPES } from './support/identity-scopes.js';
import { providersFromYaml } from './support/providers.js';

const CLIENT = { clientId: 'mcp-gateway', clientSecret: 'secret', claims: { azp: 'mcp-gateway' } };

function options(cooldownMs: number, timeoutMs = 1500): ProviderVerifierOptions {
  return { gatewayPublicUrl: 'http://127.0.0.1:8000', clockSkewSeconds: 60, jwks: { timeoutMs, cooldownMs, cacheMaxAgeMs: 600_000 } };
}

function provider(issuer: string, extra = '') {
  const [settings] = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    issuer: ${issuer}
    client_id: mcp-gateway
${extra}`);
  assert.ok(settings);
  return settings;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError, String(error));
    return error.code;
  }
  return 'accepted';
}

describe('identity provider signing keys (JWKS)', () => {
  let issuer: OidcIssuer;
  before(async () => {
    issuer = await startOidcIssuer({ issuerPath: '/realms/rotation', clients: [CLIENT] });
  });
  after(() => issuer?.close());

  test('keys are found by discovery, fetched once and cached', async () => {
    const verifier = createProviderVerifier(provider(issuer.issuer), options(30_000));
    const before = issuer.jwksFetches();
    for (let i = 0; i < 4; i += 1) assert.equal(await codeOf(verifier.verify(await issuer.clientCredentials('mcp-gateway'))), 'accepted');
    assert.equal(issuer.jwksFetches() - before, 1);
  });

  test('rotation: a new key is fetched on its unknown kid; tokens of a removed key fail, new ones pass', async () => {
    const verifier = createProviderVerifier(provider(issuer.issuer), options(0));
    const first = await issuer.clientCredentials('mcp-gateway');
    assert.equal(await codeOf(verifier.verify(first)), 'accepted');

    await issuer.rotateKeys({ keepOld: true });
    const second = await issuer.clientCredentials('mcp-gateway');
    assert.equal(await codeOf(verifier.verify(second)), 'accepted');
    assert.equal(await codeOf(verifier.verify(first)), 'accepted', 'the old key is still published');

    await issuer.rotateKeys({ keepOld: false });
    const third = await issuer.clientCredentials('mcp-gateway');
    assert.equal(await codeOf(verifier.verify(third)), 'accepted');
    assert.equal(await codeOf(verifier.verify(first)), 'AUTH_TOKEN_UNKNOWN_KEY');
    assert.equal(await codeOf(verifier.verify(second)), 'AUTH_TOKEN_UNKNOWN_KEY');
  });

  test('an unknown kid fetches the keys again only after the cooldown', async () => {
    const cooling = createProviderVerifier(provider(issuer.issuer), options(3_600_000));
    assert.equal(await codeOf(cooling.verify(await issuer.clientCredentials('mcp-gateway'))), 'accepted');
    const unknown = await issuer.sign({ sub: 's', azp: 'mcp-gateway' }, { kid: 'never-published' });
    const before = issuer.jwksFetches();
    assert.equal(await codeOf(cooling.verify(unknown)), 'AUTH_TOKEN_UNKNOWN_KEY');
    assert.equal(await codeOf(cooling.verify(unknown)), 'AUTH_TOKEN_UNKNOWN_KEY');
    assert.equal(issuer.jwksFetches(), before, 'no fetch during the cooldown');

    const eager = createProviderVerifier(provider(issuer.issuer), options(0));
    assert.equal(await codeOf(eager.verify(await issuer.clientCredentials('mcp-gateway'))), 'accepted');
    const beforeEager = issuer.jwksFetches();
    assert.equal(await codeOf(eager.verify(unknown)), 'AUTH_TOKEN_UNKNOWN_KEY');
    assert.equal(issuer.jwksFetches(), beforeEager + 1, 'one fetch once the cooldown is over');
  });

  test('only the configured algorithms are accepted', async () => {
    const verifier = createProviderVerifier(provider(issuer.issuer, '    algorithms: [ES256]'), options(0));
    assert.equal(await codeOf(verifier.verify(await issuer.clientCredentials('mcp-gateway'))), 'AUTH_TOKEN_MALFORMED');
  });
});

describe('an identity provider that cannot be reached', () => {
  let hanging: Server;
  let hangingUrl: string;
  const sockets = new Set<import('node:net').Socket>();
  before(async () => {
    hanging = createServer(() => undefined);
    hanging.on('connection', (socket) => sockets.add(socket));
    hangingUrl = (await listen(hanging, 0, '127.0.0.1', 0)).url;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });

  /** A token naming `iss`, signed by some key: the provider is asked for its keys before anything else. */
  async function tokenFrom(iss: string): Promise<string> {
    const stand = await startOidcIssuer({ issuerPath: '/x', clients: [CLIENT] });
    try {
      return await stand.sign({ iss, sub: 's', azp: 'mcp-gateway' });
    } finally {
      await stand.close();
    }
  }

  test('keys that cannot be fetched (refused, timed out, or no discovery document) give AUTH_PROVIDER_UNAVAILABLE, status 503', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const cases: Array<[string, string, string]> = [
      ['connection refused', `${closed}/realms/a`, `    jwks_uri: ${closed}/realms/a/certs`],
      ['timeout', `${hangingUrl}/realms/b`, `    jwks_uri: ${hangingUrl}/realms/b/certs`],
      ['discovery refused', `${closed}/realms/c`, ''],
    ];
    for (const [name, iss, extra] of cases) {
      const verifier = createProviderVerifier(provider(iss, extra), options(0, 300));
      const error = await verifier.verify(await tokenFrom(iss)).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof TokenError, name);
      assert.equal(error.code, 'AUTH_PROVIDER_UNAVAILABLE', name);
      assert.equal(error.status, 503, name);
    }
  });

  test('the auth-server answers 503 AUTH_PROVIDER_UNAVAILABLE with Retry-After and no challenge', async () => {
    const temp = makeTempDir();
    const closed = `http://127.0.0.1:${await freePort()}/realms/down`;
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    writeFileSync(scopesFile, IDENTITY_SCOPES);
    const auth = await startAuthServer({
      port: 0,
      dataDir: temp.dir,
      scopesFile,
      logger: pino({ level: 'silent' }),
      identity: { providers: [provider(closed)], loginOnly: [], gatewayPublicUrl: 'http://127.0.0.1:8000', clockSkewSeconds: 60, jwks: { timeoutMs: 300, cooldownMs: 0, cacheMaxAgeMs: 600_000 } },
    });
    try {
      const response = await fetch(`${auth.url}/validate`, {
        headers: { 'x-server-path': '/currenttime', authorization: `Bearer ${await tokenFrom(closed)}`, 'x-mcp-method': 'tools/list' },
      });
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'AUTH_PROVIDER_UNAVAILABLE');
      assert.ok(Number(response.headers.get('retry-after')) > 0);
      assert.equal(response.headers.get('www-authenticate'), null);
    } finally {
      await auth.close();
      temp.remove();
    }
  });
});
