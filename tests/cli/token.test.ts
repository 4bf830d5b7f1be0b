import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv } from '@mcpgw/lib/tokens/token-settings.js';
import { verifyRegistryToken } from '@mcpgw/lib/tokens/verify-registry-token.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runMcpgw } from './support/run-mcpgw.js';

describe('mcpgw token', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir('mcpgw-cli-token-');
  });
  after(() => temp.remove());

  test('prints only a token that verifies and carries the user, groups, scopes, client id and ttl asked for', async () => {
    const dataDir = path.join(temp.dir, 'data');
    const run = await runMcpgw(
      ['token', '--user', 'alice', '--groups', 'mcp-registry-admin,team-a', '--scopes', 'notes/editor', '--ttl', '2h', '--client-id', 'ci'],
      { DATA_DIR: dataDir },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = run.stdout.trim();

    const identity = await verifyRegistryToken(token, await loadOrCreateSigningKey(dataDir), tokenSettingsFromEnv({}));
    assert.equal(identity.user, 'alice');
    assert.deepEqual(identity.groups, ['mcp-registry-admin', 'team-a']);
    assert.deepEqual(identity.tokenScopes, ['notes/editor']);
    assert.equal(identity.clientId, 'ci');
    const claims = decodeJwt(token);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 2 * 3600);
  });

  test('creates the signing key in DATA_DIR with mode 0600 and keeps using it', async () => {
    const dataDir = path.join(temp.dir, 'fresh');
    const first = await runMcpgw(['token', '--user', 'bob'], { DATA_DIR: dataDir });
    assert.equal(first.status, 0, first.stderr);
    const keyFile = path.join(dataDir, SIGNING_KEY_FILE);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    const second = await runMcpgw(['token', '--user', 'bob', '--ttl', '90s'], { DATA_DIR: dataDir });
    const key = await loadOrCreateSigningKey(dataDir);
    for (const run of [first, second]) {
      const identity = await verifyRegistryToken(run.stdout.trim(), key, tokenSettingsFromEnv({}));
      assert.equal(identity.user, 'bob');
      assert.deepEqual(identity.groups, []);
    }
    const claims = decodeJwt(first.stdout.trim());
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600, 'the default lifetime is one hour');
  });

  test('TOKEN_ISSUER and TOKEN_AUDIENCE are honoured as the services honour them', async () => {
    const dataDir = path.join(temp.dir, 'issuer');
    const env = { DATA_DIR: dataDir, TOKEN_ISSUER: 'issuer-x', TOKEN_AUDIENCE: 'audience-y' };
    const run = await runMcpgw(['token', '--user', 'carol'], env);
    assert.equal(run.status, 0, run.stderr);
    const key = await loadOrCreateSigningKey(dataDir);
    const identity = await verifyRegistryToken(run.stdout.trim(), key, tokenSettingsFromEnv(env));
    assert.equal(identity.user, 'carol');
    await assert.rejects(verifyRegistryToken(run.stdout.trim(), key, tokenSettingsFromEnv({})), { code: 'AUTH_TOKEN_WRONG_ISSUER' });
  });

  for (const [label, args] of [
    ['without --user', ['token']],
    ['with a malformed --ttl', ['token', '--user', 'x', '--ttl', 'soon']],
    ['with a --ttl past the maximum', ['token', '--user', 'x', '--ttl', '400d']],
    ['with an unknown flag', ['token', '--user', 'x', '--admin']],
    ['with a stray argument', ['token', '--user', 'x', 'extra']],
  ] as const) {
    test(`exits 64 ${label} and prints no token`, async () => {
      const run = await runMcpgw([...args], { DATA_DIR: path.join(temp.dir, 'usage') });
      assert.equal(run.status, 64);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^mcpgw \[CLI_(USAGE|INVALID_ARGUMENT)\] /);
    });
  }
});
