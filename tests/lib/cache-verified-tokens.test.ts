import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cacheVerifiedTokens } from '@mcpgw/lib/tokens/cache-verified-tokens.js';
import { createRegistryTokenVerifier, type TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_TOKEN_SETTINGS, TokenMint } from '../support/tokens.js';

describe('cacheVerifiedTokens', () => {
  const temp = makeTempDir();
  let mint: TokenMint;
  let real: TokenVerifier;
  let calls = 0;
  let clock = 0;
  const counting: TokenVerifier = {
    verify: (token, context) => {
      calls += 1;
      return real.verify(token, context);
    },
  };
  const cached = (maxAgeSeconds: number, maxEntries = 100) => cacheVerifiedTokens(counting, { maxAgeSeconds, maxEntries }, () => clock);

  before(async () => {
    mint = await TokenMint.forDataDir(temp.dir);
    real = await createRegistryTokenVerifier(temp.dir, TEST_TOKEN_SETTINGS);
  });
  after(() => temp.remove());

  const reset = () => {
    calls = 0;
    clock = Date.now();
  };

  test('a token seen before is not verified again, and gives the same identity', async () => {
    reset();
    const verifier = cached(30);
    const token = await mint.token('alice', ['g']);
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    assert.equal(calls, 1);
    assert.deepEqual(second, first);
  });

  test('the same token for another server path is verified on its own', async () => {
    reset();
    const verifier = cached(30);
    const token = await mint.token('alice', ['g']);
    await verifier.verify(token, { serverPath: '/a' });
    await verifier.verify(token, { serverPath: '/b' });
    await verifier.verify(token, { serverPath: '/a' });
    assert.equal(calls, 2);
  });

  test('refusals are never cached', async () => {
    reset();
    const verifier = cached(30);
    const forged = await mint.forged('mallory', ['admins']);
    for (let i = 0; i < 3; i += 1) await assert.rejects(verifier.verify(forged), TokenError);
    assert.equal(calls, 3);
  });

  test('an entry lasts at most maxAgeSeconds', async () => {
    reset();
    const verifier = cached(30);
    const token = await mint.token('alice', ['g']);
    await verifier.verify(token);
    clock += 29_000;
    await verifier.verify(token);
    assert.equal(calls, 1);
    clock += 2_000;
    await verifier.verify(token);
    assert.equal(calls, 2);
  });

  test("an entry never outlives the token's exp", async () => {
    reset();
    const verifier = cached(3600);
    const token = await mint.token('alice', ['g'], { ttlSeconds: 60 });
    await verifier.verify(token);
    clock += 59_000;
    await verifier.verify(token);
    assert.equal(calls, 1);
    clock += 2_000;
    await verifier.verify(token);
    assert.equal(calls, 2, 'past exp the token is verified again (and refused, by the real clock, once it has expired)');
  });

  test('the least recently used entry goes first when full', async () => {
    reset();
    const verifier = cached(30, 2);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((user) => mint.token(user, [])));
    await verifier.verify(a!);
    await verifier.verify(b!);
    await verifier.verify(a!);
    await verifier.verify(c!);
    assert.equal(calls, 3);
    await verifier.verify(a!);
    assert.equal(calls, 3, 'a was used recently and stays');
    await verifier.verify(b!);
    assert.equal(calls, 4, 'b was the least recently used and went');
  });

  test('maxAgeSeconds 0 turns the cache off', async () => {
    reset();
    const verifier = cached(0);
    const token = await mint.token('alice', ['g']);
    await verifier.verify(token);
    await verifier.verify(token);
    assert.equal(calls, 2);
  });
});
