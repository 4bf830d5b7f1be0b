import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '@mcpgw/lib/tokens/signing-key.js';
import { verifyRegistryToken } from '@mcpgw/lib/tokens/verify-registry-token.js';
import { issueToken, parseTtl } from '@mcpgw/lib/tokens/issue-token.js';
import { ingressBearerToken } from '@mcpgw/lib/tokens/bearer.js';
import { bearerChallenge } from '@mcpgw/lib/tokens/www-authenticate.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import { loadInternalToken, internalTokenMatches } from '@mcpgw/lib/internal/internal-token.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_TOKEN_SETTINGS, TokenMint } from '../support/tokens.js';

const rejectsWith = async (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => error instanceof TokenError && error.code === code);

describe('registry-issued tokens', () => {
  const temp = makeTempDir();
  let mint: TokenMint;
  before(async () => {
    mint = await TokenMint.forDataDir(temp.dir);
  });
  after(() => temp.remove());

  test('the signing key is created once, mode 0600, and reused', async () => {
    const file = path.join(temp.dir, SIGNING_KEY_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = await loadOrCreateSigningKey(temp.dir);
    assert.equal(again.kid, mint.key.kid);
  });

  test('a good token gives the identity it carries', async () => {
    const token = await mint.token('alice', ['g1', 'g2'], { scopes: ['s1', 's2'], clientId: 'vscode' });
    const identity = await verifyRegistryToken(token, mint.key, TEST_TOKEN_SETTINGS);
    assert.deepEqual(
      { user: identity.user, username: identity.username, clientId: identity.clientId, groups: identity.groups, scopes: identity.tokenScopes },
      { user: 'alice', username: 'alice', clientId: 'vscode', groups: ['g1', 'g2'], scopes: ['s1', 's2'] },
    );
  });

  test('expired', async () => rejectsWith(verifyRegistryToken(await mint.expired('a', []), mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_EXPIRED'));
  test('not yet valid', async () => {
    const token = await issueToken(mint.key, TEST_TOKEN_SETTINGS, { user: 'a', ttlSeconds: 600, now: Math.floor(Date.now() / 1000) + 300 });
    await rejectsWith(verifyRegistryToken(token, mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_NOT_YET_VALID');
  });
  test('wrong audience', async () => rejectsWith(verifyRegistryToken(await mint.wrongAudience('a', []), mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_WRONG_AUDIENCE'));
  test('wrong issuer', async () => {
    const token = await issueToken(mint.key, { ...TEST_TOKEN_SETTINGS, issuer: 'evil' }, { user: 'a', ttlSeconds: 60 });
    await rejectsWith(verifyRegistryToken(token, mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_WRONG_ISSUER');
  });
  test('forged signature', async () => rejectsWith(verifyRegistryToken(await mint.forged('a', ['admins']), mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_BAD_SIGNATURE'));
  test('alg none', async () => rejectsWith(verifyRegistryToken(mint.unsigned('a', ['admins']), mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_MALFORMED'));
  test('garbage', async () => rejectsWith(verifyRegistryToken('not.a.jwt', mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_MALFORMED'));
  test('a tampered payload', async () => {
    const [header, , signature] = (await mint.token('bob', ['users'])).split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'bob', groups: ['admins'], iss: TEST_TOKEN_SETTINGS.issuer, aud: TEST_TOKEN_SETTINGS.audience, exp: 9999999999 })).toString('base64url');
    await rejectsWith(verifyRegistryToken(`${header}.${payload}.${signature}`, mint.key, TEST_TOKEN_SETTINGS), 'AUTH_TOKEN_BAD_SIGNATURE');
  });
  test('a corrupt key file says what to do', async () => {
    const other = makeTempDir();
    try {
      writeFileSync(path.join(other.dir, SIGNING_KEY_FILE), '{oops');
      await assert.rejects(loadOrCreateSigningKey(other.dir), /remove it/);
    } finally {
      other.remove();
    }
  });
  test('lifetimes', () => {
    assert.equal(parseTtl('90'), 90);
    assert.equal(parseTtl('15m'), 900);
    assert.equal(parseTtl('1h'), 3600);
    assert.equal(parseTtl('2d'), 172800);
    assert.throws(() => parseTtl('1 week'));
  });
});

describe('ingressBearerToken', () => {
  test('takes Authorization', () => assert.equal(ingressBearerToken({ authorization: 'Bearer abc.def.ghi' }), 'abc.def.ghi'));
  test('prefers X-Authorization, leaving Authorization to the upstream', () =>
    assert.equal(ingressBearerToken({ authorization: 'Bearer upstream', 'x-authorization': 'bearer ingress' }), 'ingress'));
  for (const [name, value, code] of [
    ['missing', undefined, 'AUTH_TOKEN_MISSING'],
    ['empty', '  ', 'AUTH_TOKEN_MISSING'],
    ['basic scheme', 'Basic dXNlcjpwYXNz', 'AUTH_TOKEN_MALFORMED'],
    ['no token', 'Bearer ', 'AUTH_TOKEN_MALFORMED'],
    ['two tokens', 'Bearer a b', 'AUTH_TOKEN_MALFORMED'],
  ] as const) {
    test(name, () => assert.throws(() => ingressBearerToken({ authorization: value }), (e: unknown) => e instanceof TokenError && e.code === code));
  }
});

describe('bearerChallenge', () => {
  test('no error attribute when no token was sent', () => {
    assert.equal(bearerChallenge(new TokenError('AUTH_TOKEN_MISSING', 'x')), 'Bearer realm="mcp-gateway"');
  });
  test('invalid_token with an escaped description', () => {
    assert.equal(
      bearerChallenge(new TokenError('AUTH_TOKEN_EXPIRED', 'say "hi"'), { resourceMetadata: 'https://gw/.well-known/oauth-protected-resource' }),
      'Bearer realm="mcp-gateway", error="invalid_token", error_description="say \\"hi\\"", resource_metadata="https://gw/.well-known/oauth-protected-resource"',
    );
  });
});

describe('internal token', () => {
  test('is created once with mode 0600 and compared in constant time', () => {
    const temp = makeTempDir();
    try {
      const token = loadInternalToken(temp.dir, {});
      assert.ok(token.length >= 32);
      assert.equal(loadInternalToken(temp.dir, {}), token);
      assert.equal(statSync(path.join(temp.dir, 'internal-token')).mode & 0o777, 0o600);
      assert.equal(internalTokenMatches(token, token), true);
      assert.equal(internalTokenMatches(token, `${token}x`), false);
      assert.equal(internalTokenMatches(token, undefined), false);
    } finally {
      temp.remove();
    }
  });
  test('INTERNAL_API_TOKEN wins and must be long', () => {
    assert.equal(loadInternalToken('/nonexistent', { INTERNAL_API_TOKEN: 'x'.repeat(40) }), 'x'.repeat(40));
    assert.throws(() => loadInternalToken('/nonexistent', { INTERNAL_API_TOKEN: 'short' }));
  });
});
