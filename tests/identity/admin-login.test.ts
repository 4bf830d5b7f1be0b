import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN, adminSession, startLoginRegistry, type LoginRegistry } from './support/login-registry.js';

const login = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${url}/oauth2/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

describe('local administrator login (ADMIN_USER / ADMIN_PASSWORD)', () => {
  let registry: LoginRegistry;
  before(async () => {
    registry = await startLoginRegistry();
  });
  after(() => registry?.close());

  test('the right user name and password start a session that the API accepts as the administrator', async () => {
    const { cookie, csrf, response } = await adminSession(registry.url);
    const body = (await response.json()) as { user: string; groups: string[]; scopes: string[]; provider: string };
    assert.deepEqual([body.user, body.provider, body.groups], ['admin', 'local', ['mcp-registry-admin']]);
    assert.ok(body.scopes.includes('mcp-registry-admin'));
    const line = response.headers.getSetCookie().find((item) => item.startsWith('mcpgw_session=')) ?? '';
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
    assert.match(line, /; Max-Age=\d+/i, 'the session cookie expires');
    assert.doesNotMatch(line, /; Secure/i);

    const created = await fetch(`${registry.url}/api/servers`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ server_name: 'admin-made', path: '/admin-made', proxy_pass_url: 'http://127.0.0.1:9/' }),
    });
    assert.equal(created.status, 201);
  });

  test('a wrong password or user name is refused with one answer for both', async () => {
    for (const attempt of [{ username: ADMIN.user, password: 'wrong password here' }, { username: 'root', password: ADMIN.password }, { username: ADMIN.user, password: '' }]) {
      const response = await login(registry.url, attempt);
      assert.equal(response.status, 401);
      assert.equal(await errorCode(response), 'REGISTRY_LOGIN_FAILED');
      assert.equal(response.headers.getSetCookie().length, 0);
    }
  });

  test('a form post logs in and redirects to the registry', async () => {
    const response = await fetch(`${registry.url}/oauth2/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: ADMIN.user, password: ADMIN.password }),
      redirect: 'manual',
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/');
    assert.ok(response.headers.getSetCookie().some((line) => line.startsWith('mcpgw_session=')));
  });

  test('logging in again replaces the browser\'s previous session', async () => {
    const first = await adminSession(registry.url);
    const second = await adminSession(registry.url, { cookie: first.cookie });
    assert.notEqual(second.cookie, first.cookie);
    assert.equal((await fetch(`${registry.url}/oauth2/session`, { headers: { cookie: first.cookie } })).status, 401);
    assert.equal((await fetch(`${registry.url}/oauth2/session`, { headers: { cookie: second.cookie } })).status, 200);
  });

  test('the password is stored nowhere: neither in DATA_DIR nor in the database', () => {
    for (const name of readdirSync(registry.dataDir)) {
      const content = readFileSync(path.join(registry.dataDir, name));
      assert.equal(content.includes(ADMIN.password), false, name);
    }
  });

  test('without a session, the session endpoint and the API answer 401', async () => {
    const session = await fetch(`${registry.url}/oauth2/session`);
    assert.equal(session.status, 401);
    assert.equal(await errorCode(session), 'REGISTRY_SESSION_INVALID');
    const api = await fetch(`${registry.url}/api/servers`);
    assert.equal(api.status, 401);
  });
});

describe('failed local logins are rate limited', () => {
  let registry: LoginRegistry;
  before(async () => {
    registry = await startLoginRegistry({ maxFailures: 3, trustedProxies: ['127.0.0.1'] });
  });
  after(() => registry?.close());

  test('after the limit even the right password waits, with Retry-After; another address of another user is not blocked', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      assert.equal((await login(registry.url, { username: 'guess', password: `guess-${attempt}` }, from)).status, 401);
    }
    const blocked = await login(registry.url, { username: ADMIN.user, password: ADMIN.password }, from);
    assert.equal(blocked.status, 429);
    assert.equal(await errorCode(blocked), 'REGISTRY_LOGIN_RATE_LIMITED');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);

    const elsewhere = await login(registry.url, { username: ADMIN.user, password: ADMIN.password }, { 'x-forwarded-for': '198.51.100.9' });
    assert.equal(elsewhere.status, 200);
  });

  test('failures against one user name from many addresses block that user name', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await login(registry.url, { username: 'target', password: 'nope' }, { 'x-forwarded-for': `192.0.2.${attempt + 1}` });
    }
    const blocked = await login(registry.url, { username: 'target', password: 'nope' }, { 'x-forwarded-for': '192.0.2.99' });
    assert.equal(blocked.status, 429);
  });
});

describe('Secure cookies behind TLS', () => {
  let trusting: LoginRegistry;
  let direct: LoginRegistry;
  before(async () => {
    trusting = await startLoginRegistry({ trustedProxies: ['127.0.0.1', '::1'] });
    direct = await startLoginRegistry();
  });
  after(async () => {
    await trusting?.close();
    await direct?.close();
  });

  const sessionCookie = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith('mcpgw_session=')) ?? '';

  test('X-Forwarded-Proto: https from a configured proxy makes the cookie Secure', async () => {
    const { response } = await adminSession(trusting.url, { 'x-forwarded-proto': 'https' });
    assert.match(sessionCookie(response), /; Secure/i);
    const plain = await adminSession(trusting.url, { 'x-forwarded-proto': 'http' });
    assert.doesNotMatch(sessionCookie(plain.response), /; Secure/i);
  });

  test('the same header from a client that is not a configured proxy is ignored', async () => {
    const { response } = await adminSession(direct.url, { 'x-forwarded-proto': 'https' });
    assert.doesNotMatch(sessionCookie(response), /; Secure/i);
  });

  test('SESSION_COOKIE_SECURE=true makes it Secure whatever the request', async () => {
    const forced = await startLoginRegistry({ cookieSecure: true });
    try {
      const { response } = await adminSession(forced.url);
      assert.match(sessionCookie(response), /; Secure/i);
    } finally {
      await forced.close();
    }
  });
});

describe('without ADMIN_USER the local login is off', () => {
  test('POST /oauth2/login answers 404 and the providers list says so', async () => {
    const registry = await startLoginRegistry({ admin: undefined });
    try {
      const response = await login(registry.url, { username: ADMIN.user, password: ADMIN.password });
      assert.equal(response.status, 404);
      assert.equal(await errorCode(response), 'REGISTRY_LOGIN_UNAVAILABLE');
      assert.deepEqual(await (await fetch(`${registry.url}/oauth2/providers`)).json(), { providers: [], local_login: false });
    } finally {
      await registry.close();
    }
  });
});
