import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { verifyRegistryToken } from '@mcpgw/lib/tokens/verify-registry-token.js';
import { TEST_TOKEN_SETTINGS } from '../support/tokens.js';
import { adminSession, startLoginRegistry, type LoginRegistry } from './support/login-registry.js';

interface Vended {
  access_token: string;
  token_type: string;
  expires_in: number;
  groups: string[];
  scope: string;
}

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

describe('token vending: POST /api/tokens', () => {
  let registry: LoginRegistry;
  const logLines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });

  before(async () => {
    registry = await startLoginRegistry({}, { logger: createLogger('registry', { level: 'info', destination: logs }), tokenVending: { defaultTtlSeconds: 600, maxTtlSeconds: 1800, perUserPerMinute: 3 } });
  });
  after(() => registry?.close());

  const vend = (headers: Record<string, string>, body: unknown = {}) =>
    fetch(`${registry.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const verify = async (token: string) => verifyRegistryToken(token, registry.mint.key, TEST_TOKEN_SETTINGS);

  test('never reachable without authentication, and a session needs its CSRF token', async () => {
    const anonymous = await vend({});
    assert.equal(anonymous.status, 401);
    assert.equal(await errorCode(anonymous), 'AUTH_TOKEN_MISSING');
    for (const token of [await registry.mint.forged('admin', ['mcp-registry-admin']), await registry.mint.expired('admin', ['mcp-registry-admin']), registry.mint.unsigned('admin', ['mcp-registry-admin'])]) {
      assert.equal((await vend(bearer(token))).status, 401);
    }
    const { cookie } = await adminSession(registry.url);
    const withoutCsrf = await vend({ cookie });
    assert.equal(withoutCsrf.status, 403);
    assert.equal(await errorCode(withoutCsrf), 'REGISTRY_CSRF_TOKEN_INVALID');
    assert.equal((await vend({ cookie: 'mcpgw_session=made.up' })).status, 401);
  });

  test('a logged-in person gets a short-lived registry token with their own groups', async () => {
    const { cookie, csrf } = await adminSession(registry.url);
    const response = await vend({ cookie, 'x-csrf-token': csrf });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const vended = (await response.json()) as Vended;
    assert.deepEqual([vended.token_type, vended.expires_in, vended.groups], ['Bearer', 600, ['mcp-registry-admin']]);
    const identity = await verify(vended.access_token);
    assert.deepEqual([identity.user, identity.groups], ['admin', ['mcp-registry-admin']]);
    const claims = decodeJwt(vended.access_token);
    assert.equal((claims.exp as number) - (claims.iat as number), 600);
    assert.equal(claims.client_id, 'registry-token-vending');
    const servers = await fetch(`${registry.url}/api/servers`, { headers: bearer(vended.access_token) });
    assert.equal(servers.status, 200);
  });

  test('a caller with a token gets one with the same groups, and the lifetime is capped', async () => {
    const token = await registry.mint.token('uma', ['mcp-registry-user'], { ttlSeconds: 3600 });
    const vended = (await (await vend(bearer(token), { ttl: '1d' })).json()) as Vended;
    assert.equal(vended.expires_in, 1800, 'at most TOKEN_VENDING_MAX_TTL');
    const identity = await verify(vended.access_token);
    assert.deepEqual([identity.user, identity.groups, identity.tokenScopes], ['uma', ['mcp-registry-user'], []]);
  });

  test('escalation attempts are refused: other groups, scopes not held, a longer life than the caller\'s own', async () => {
    const token = await registry.mint.token('eve', ['mcp-registry-user'], { ttlSeconds: 120 });
    const groups = await vend(bearer(token), { groups: ['mcp-registry-admin'] });
    assert.equal(groups.status, 400);
    assert.equal(await errorCode(groups), 'REGISTRY_INVALID_TOKEN_REQUEST');
    const user = await vend(bearer(token), { user: 'admin' });
    assert.equal(await errorCode(user), 'REGISTRY_INVALID_TOKEN_REQUEST');
    const admin = await vend(bearer(token), { scopes: ['mcp-registry-user', 'mcp-registry-admin'] });
    assert.equal(admin.status, 403);
    assert.equal(await errorCode(admin), 'REGISTRY_TOKEN_SCOPE_NOT_HELD');

    const longer = (await (await vend(bearer(token), { ttl: 1800 })).json()) as Vended;
    assert.ok(longer.expires_in <= 120, `a token asked for with a 120s token lives at most 120s, got ${longer.expires_in}`);
    const chained = (await (await vend(bearer(longer.access_token), { ttl: 1800 })).json()) as Vended;
    assert.ok(chained.expires_in <= longer.expires_in, 'minting from a minted token never extends the life');
  });

  test('a subset of scopes gives a token with exactly those and no groups: less, never more', async () => {
    const token = await registry.mint.token('dora', ['mcp-registry-user']);
    const narrowed = (await (await vend(bearer(token), { scopes: ['mcp-servers-restricted/read'] })).json()) as Vended;
    assert.deepEqual([narrowed.groups, narrowed.scope], [[], 'mcp-servers-restricted/read']);
    const identity = await verify(narrowed.access_token);
    assert.deepEqual([identity.groups, identity.tokenScopes], [[], ['mcp-servers-restricted/read']]);
    const list = await fetch(`${registry.url}/api/servers`, { headers: bearer(narrowed.access_token) });
    assert.equal(list.status, 403, 'the narrowed token lost list_service, which came from mcp-registry-user');
    const widen = await vend(bearer(narrowed.access_token), { scopes: ['mcp-registry-user'] });
    assert.equal(await errorCode(widen), 'REGISTRY_TOKEN_SCOPE_NOT_HELD');
  });

  test('each person may mint a few a minute; others are not affected', async () => {
    const token = await registry.mint.token('rita', ['mcp-registry-user']);
    for (let count = 0; count < 3; count += 1) assert.equal((await vend(bearer(token))).status, 200);
    const limited = await vend(bearer(token));
    assert.equal(limited.status, 429);
    assert.equal(await errorCode(limited), 'REGISTRY_TOKEN_RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const again = await vend(bearer(await registry.mint.token('rita', ['mcp-registry-user'])));
    assert.equal(again.status, 429, 'the limit follows the person, not the token');
    assert.equal((await vend(bearer(await registry.mint.token('sam', ['mcp-registry-user'])))).status, 200);
  });

  test('every mint is logged with who and what, never the token', async () => {
    const token = await registry.mint.token('lena', ['mcp-registry-user']);
    const vended = (await (await vend(bearer(token))).json()) as Vended;
    const jti = decodeJwt(vended.access_token).jti;
    const entry = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'token.vended' && line.jti === jti);
    assert.ok(entry, 'the mint is logged');
    assert.deepEqual([entry.user, entry.groups, entry.authMethod], ['lena', ['mcp-registry-user'], 'registry-token']);
    assert.equal(logLines.some((line) => line.includes(vended.access_token)), false);
    assert.equal(logLines.some((line) => line.includes(vended.access_token.split('.')[2] as string)), false);
  });
});
