import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { makeLoginSettings } from '../../registry/src/login/login-settings.js';
import { Browser } from '../support/browser.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { startStack, type Stack } from '../support/stack.js';
import { withAdministrator } from '../support/scopes.js';
import { providersFromYaml } from './support/providers.js';

/** The provider's access tokens for the registry carry a group of their own, beside the ID token's. */
const WEB = { clientId: 'registry-web', clientSecret: 'web-secret', claims: { groups: ['from-access-token'] } };
const ACCOUNTS = {
  alice: { preferred_username: 'alice', realm_access: { roles: ['realm-ops'] } },
  root: { preferred_username: 'root', groups: ['mcp-registry-admin'] },
  dave: { preferred_username: 'dave', realm_access: { roles: ['realm-ops'] } },
};

/** alice's realm role reads currenttime; security-team may edit scopes.yml, and so end anyone's sessions. */
const LOGIN_SCOPES = withAdministrator(`
group_mappings:
  realm-ops: [time-reader]
  security-team: [scopes-admin]
UI-Scopes:
  time-reader:
    list_service: [currenttime]
  scopes-admin:
    view_scopes: [all]
    modify_scopes: [all]
time-reader:
  - server: currenttime
    methods: [tools/list]
`);

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

describe('registry web login: authorization code with PKCE through a real OpenID provider', () => {
  let idp: OidcIssuer;
  let stack: Stack;
  let registry: string;
  let logs = '';
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
  const secretsSeen: string[] = [];

  before(async () => {
    idp = await startOidcIssuer({ issuerPath: '/realms/mcp', clients: [WEB], accounts: ACCOUNTS });
    const providers = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    display_name: Company Keycloak
    issuer: ${idp.issuer}
    client_id: ${WEB.clientId}
    client_secret: ${WEB.clientSecret}
    logout_url: ${idp.issuer}/session/end
`);
    stack = await startStack({ scopes: LOGIN_SCOPES, providers, registry: { login: makeLoginSettings({ sessionSecret: randomBytes(32) }) }, logStream });
    registry = stack.registry.url;
    idp.addRedirectUri(WEB.clientId, `${registry}/oauth2/callback/keycloak`);
  });

  after(async () => {
    await stack?.close();
    await idp?.close();
  });

  const login = async (account: string, next = '/oauth2/session') => {
    const browser = new Browser();
    const final = await browser.completeForms(`${registry}/oauth2/login/keycloak?next=${encodeURIComponent(next)}`, { login: account, password: 'any' });
    const cookie = browser.cookie(registry, 'mcpgw_session')?.value;
    if (cookie !== undefined) secretsSeen.push(...cookie.split('.'));
    const code = browser.hops.map((hop) => new URL(hop.url).searchParams.get('code')).find((value) => value !== null);
    if (code) secretsSeen.push(code);
    return { browser, final };
  };
  const sessionOf = async (browser: Browser) => {
    const response = await browser.fetch(`${registry}/oauth2/session`);
    return { status: response.status, body: (await response.json()) as { user: string; groups: string[]; scopes: string[]; csrf_token: string; provider: string; error?: { code: string } } };
  };

  test('the providers are listed for the login page', async () => {
    const answer = (await (await fetch(`${registry}/oauth2/providers`)).json()) as { providers: Array<{ name: string; display_name: string; login_url: string }>; local_login: boolean };
    assert.deepEqual(answer, { providers: [{ name: 'keycloak', display_name: 'Company Keycloak', login_url: '/oauth2/login/keycloak' }], local_login: false });
  });

  test('a person logs in through the provider\'s login and consent pages and the session carries their groups', async () => {
    const { browser, final } = await login('alice');
    assert.equal(final.url, `${registry}/oauth2/session`);
    assert.equal(final.response.status, 200);
    const body = (await final.response.json()) as { user: string; groups: string[]; scopes: string[]; provider: string };
    assert.equal(body.user, 'alice');
    assert.equal(body.provider, 'keycloak');
    assert.deepEqual(body.groups, ['realm-ops', 'from-access-token'], 'the ID token\'s groups and the access token\'s');
    assert.deepEqual(body.scopes, ['time-reader']);

    const authorize = browser.hops.find((hop) => hop.url.startsWith(`${idp.issuer}/auth?`));
    assert.ok(authorize, 'the registry sent the browser to the provider');
    const query = new URL(authorize.url).searchParams;
    assert.equal(query.get('code_challenge_method'), 'S256');
    assert.ok((query.get('code_challenge') ?? '').length >= 43);
    assert.ok(query.get('state'));
    assert.ok(query.get('nonce'));
    assert.equal(query.get('redirect_uri'), `${registry}/oauth2/callback/keycloak`);
    assert.ok(browser.hops.some((hop) => hop.method === 'POST' && hop.url.includes('/interaction/')), 'the provider\'s login form was submitted');
    assert.ok(browser.hops.some((hop) => hop.url.startsWith(`${registry}/oauth2/callback/keycloak?code=`)));

    const cookie = browser.setCookies.find((line) => line.startsWith('mcpgw_session='));
    assert.ok(cookie);
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\//);
    assert.doesNotMatch(cookie, /; Secure/i, 'plain HTTP without a trusted proxy: not Secure');
    assert.equal(browser.cookie(registry, 'mcpgw_login'), undefined, 'the login state cookie is cleared');
  });

  test('the session authenticates API calls with the same groups as a token; state changes need the CSRF token', async () => {
    const alice = await login('alice');
    const servers = await alice.browser.fetch(`${registry}/api/servers`);
    assert.equal(servers.status, 200);
    assert.deepEqual(((await servers.json()) as { servers: Array<{ path: string }> }).servers.map((server) => server.path), ['/currenttime']);

    const root = await login('root');
    const { body } = await sessionOf(root.browser);
    const entry = { server_name: 'from-session', path: '/from-session', proxy_pass_url: 'http://127.0.0.1:9/' };
    const post = (headers: Record<string, string>) =>
      root.browser.fetch(`${registry}/api/servers`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(entry) });
    const withoutCsrf = await post({});
    assert.equal(withoutCsrf.status, 403);
    assert.equal(await errorCode(withoutCsrf), 'REGISTRY_CSRF_TOKEN_INVALID');
    const wrongCsrf = await post({ 'x-csrf-token': `${body.csrf_token.slice(0, -2)}xx` });
    assert.equal(await errorCode(wrongCsrf), 'REGISTRY_CSRF_TOKEN_INVALID');
    const created = await post({ 'x-csrf-token': body.csrf_token });
    assert.equal(created.status, 201);

    const aliceCsrf = (await sessionOf(alice.browser)).body.csrf_token;
    assert.notEqual(aliceCsrf, body.csrf_token, 'each session has its own CSRF token');
    const crossSession = await post({ 'x-csrf-token': aliceCsrf });
    assert.equal(await errorCode(crossSession), 'REGISTRY_CSRF_TOKEN_INVALID');
  });

  test('a tampered or forged session cookie is refused', async () => {
    const { browser } = await login('alice');
    const value = browser.cookie(registry, 'mcpgw_session')?.value ?? '';
    const [id, signature] = value.split('.') as [string, string];
    const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [`${flip(id)}.${signature}`, `${id}.${flip(signature)}`, id, `${randomBytes(32).toString('base64url')}.${signature}`]) {
      const response = await fetch(`${registry}/api/servers`, { headers: { cookie: `mcpgw_session=${forged}` } });
      assert.equal(response.status, 401, forged);
      assert.equal(await errorCode(response), 'REGISTRY_SESSION_INVALID');
    }
    const fine = await fetch(`${registry}/api/servers`, { headers: { cookie: `mcpgw_session=${value}` } });
    assert.equal(fine.status, 200);
  });

  test('logout ends the session on the server: the old cookie no longer works', async () => {
    const { browser } = await login('alice');
    const value = browser.cookie(registry, 'mcpgw_session')?.value ?? '';
    const { body } = await sessionOf(browser);
    const refused = await browser.fetch(`${registry}/oauth2/logout`, { method: 'POST' });
    assert.equal(refused.status, 403, 'logout needs the CSRF token');
    const out = await browser.fetch(`${registry}/oauth2/logout`, { method: 'POST', headers: { 'x-csrf-token': body.csrf_token } });
    assert.equal(out.status, 200);
    assert.deepEqual(await out.json(), { logged_out: true, logout_url: `${idp.issuer}/session/end` });
    assert.equal(browser.cookie(registry, 'mcpgw_session'), undefined, 'the cookie is cleared');
    const replayed = await fetch(`${registry}/api/servers`, { headers: { cookie: `mcpgw_session=${value}` } });
    assert.equal(replayed.status, 401);
    assert.equal(await errorCode(replayed), 'REGISTRY_SESSION_INVALID');
  });

  test('an administrator revokes every session of a person; a person cannot revoke another\'s', async () => {
    const first = await login('dave');
    const second = await login('dave');
    const other = await fetch(`${registry}/api/sessions?user=root`, { method: 'DELETE', headers: { authorization: `Bearer ${await stack.mint.token('alice', ['realm-ops'])}` } });
    assert.equal(other.status, 403);
    const security = await stack.mint.token('carol', ['security-team']);
    const revoked = await fetch(`${registry}/api/sessions?user=dave`, { method: 'DELETE', headers: { authorization: `Bearer ${security}` } });
    assert.equal(revoked.status, 200);
    assert.deepEqual(await revoked.json(), { user: 'dave', revoked: 2 });
    for (const { browser } of [first, second]) {
      const { status, body } = await sessionOf(browser);
      assert.equal(status, 401);
      assert.equal(body.error?.code, 'REGISTRY_SESSION_INVALID');
    }
  });

  test('an expired session is refused even though the browser still sends the cookie', async () => {
    const { browser } = await login('alice');
    assert.equal((await sessionOf(browser)).status, 200);
    const db = new Database(path.join(stack.dataDir, 'registry.db'));
    try {
      db.prepare("UPDATE login_sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_name = 'alice'").run();
    } finally {
      db.close();
    }
    const response = await browser.fetch(`${registry}/api/servers`);
    assert.equal(response.status, 401);
    assert.equal(await errorCode(response), 'REGISTRY_SESSION_EXPIRED');
  });

  test('a callback without the login cookie, or with another state, starts no session', async () => {
    const bare = await fetch(`${registry}/oauth2/callback/keycloak?code=abc&state=xyz`);
    assert.equal(bare.status, 400);
    assert.equal(await errorCode(bare), 'REGISTRY_LOGIN_STATE_INVALID');

    const browser = new Browser();
    const start = await browser.fetch(`${registry}/oauth2/login/keycloak`);
    assert.equal(start.status, 302);
    const swapped = await browser.fetch(`${registry}/oauth2/callback/keycloak?code=stolen&state=${'a'.repeat(43)}`);
    assert.equal(swapped.status, 401);
    assert.equal(await errorCode(swapped), 'REGISTRY_LOGIN_FAILED');
    assert.equal(browser.cookie(registry, 'mcpgw_session'), undefined);
  });

  test('no session id, cookie signature or authorization code reaches the logs', () => {
    assert.match(logs, /"event":"login"/, 'logins are logged');
    assert.ok(secretsSeen.length > 4);
    for (const secret of secretsSeen) assert.equal(logs.includes(secret), false, secret);
  });

  test('after login the browser goes back only to a path on the registry', async () => {
    const { final } = await login('alice', '//evil.example/steal');
    assert.equal(new URL(final.url).origin, registry);
    // The registry's start page: `/`, which the web UI redirects to `/ui/`.
    assert.match(new URL(final.url).pathname, /^\/(ui\/)?$/);
    const unknown = await fetch(`${registry}/oauth2/login/nobody`);
    assert.equal(unknown.status, 404);
  });
});
