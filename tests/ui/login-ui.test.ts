import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { JWKS_DEFAULTS } from '@mcpgw/lib/providers/identity-settings.js';
import { makeLoginSettings } from '../../registry/src/login/login-settings.js';
import { startRegistry, type RunningRegistry } from '../../registry/src/start-registry.js';
import { ADMIN } from '../identity/support/login-registry.js';
import { providersFromYaml } from '../identity/support/providers.js';
import { chromiumSkipReason, launchChromium, watchPage } from '../support/chromium.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';
import { UI_TEST_SCOPES } from './support/ui-fixture.js';

const WEB_CLIENT = { clientId: 'registry-web', clientSecret: 'web-secret' };

/** A page on another origin (another port of 127.0.0.1) that posts a form to the registry as soon as it loads. */
function attackerPage(registryUrl: string): string {
  return `<!doctype html><html><body>
<form id="toggle" method="POST" action="${registryUrl}/api/servers/currenttime/toggle"></form>
<form id="register" method="POST" action="${registryUrl}/api/servers" enctype="text/plain">
  <input name='{"server_name":"evil","path":"/evil","proxy_pass_url":"http://127.0.0.1:9/","x":"' value='"}'>
</form>
<script>
  fetch(${JSON.stringify(`${registryUrl}/oauth2/session`)}, { credentials: 'include' })
    .then((answer) => answer.text())
    .then((text) => { window.stolen = text; }, () => { window.stolen = 'refused'; });
</script>
</body></html>`;
}

describe('web UI: sign-in and CSRF (Chromium)', { skip: chromiumSkipReason() }, () => {
  let browser: Browser;
  let idp: OidcIssuer;
  let registry: RunningRegistry;
  let mint: TokenMint;
  let attacker: Server;
  let attackerUrl: string;
  const temp = makeTempDir('mcpgw-ui-login-');

  const adminToken = () => mint.token('root', ['admins']);
  const api = async (method: string, apiPath: string, body?: unknown) => {
    const response = await fetch(`${registry.url}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };

  /** A registry with both logins: the local administrator (group admins) and an OpenID provider whose carol is in admins. */
  before(async () => {
    browser = await launchChromium();
    idp = await startOidcIssuer({ issuerPath: '/realms/ui', clients: [WEB_CLIENT], accounts: { carol: { preferred_username: 'carol', groups: ['admins'] } } });
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    writeFileSync(scopesFile, UI_TEST_SCOPES);
    const providers = providersFromYaml(`
providers:
  company:
    enabled: true
    display_name: Company IdP
    issuer: ${idp.issuer}
    client_id: ${WEB_CLIENT.clientId}
    client_secret: ${WEB_CLIENT.clientSecret}
`);
    registry = await startRegistry({
      port: 0,
      dataDir: temp.dir,
      scopesFile,
      logger: pino({ level: 'silent' }),
      internalToken: randomBytes(24).toString('hex'),
      identity: { providers, loginOnly: [], gatewayPublicUrl: 'http://127.0.0.1:8000', clockSkewSeconds: 60, jwks: JWKS_DEFAULTS },
      apiKeys: { keys: [], groups: [] },
      login: makeLoginSettings({ sessionSecret: randomBytes(32), admin: { ...ADMIN, groups: ['admins'] } }),
    });
    idp.addRedirectUri(WEB_CLIENT.clientId, `${registry.url}/oauth2/callback/company`);
    mint = await TokenMint.forDataDir(temp.dir);
    assert.equal((await api('POST', '/api/servers', { server_name: 'Current time', path: '/currenttime', proxy_pass_url: 'http://127.0.0.1:8101/' })).status, 201);
    attacker = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackerPage(registry.url));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await registry?.close();
    await idp?.close();
    temp.remove();
  });

  /** A fresh browser context signed in through the sign-in page with the local administrator. */
  const signIn = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${registry.url}/`);
    await page.locator('#login-username').fill(ADMIN.user);
    await page.locator('#login-password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.servers tbody tr').first().waitFor();
    return { context, page };
  };

  test('the local administrator signs in on the sign-in page; a wrong password is refused there', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${registry.url}/ui/scopes`);
    await page.locator('#login-username').waitFor();
    assert.equal(new URL(page.url()).pathname, '/ui/sign-in');
    await page.locator('#login-username').fill(ADMIN.user);
    await page.locator('#login-password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /user name or password is wrong/);
    assert.deepEqual(await context.cookies(), []);

    await page.locator('#login-password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#scopes-yaml').waitFor();
    assert.equal(new URL(page.url()).pathname, '/ui/scopes');
    assert.match(await page.locator('#account').innerText(), /admin/);
    const session = (await context.cookies()).find((cookie) => cookie.name === 'mcpgw_session');
    assert.equal(session?.httpOnly, true);
    await context.close();
  });

  test('a person signs in through the identity provider and comes back to the page they asked for', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${registry.url}/ui/connect/currenttime`);
    await page.getByRole('link', { name: 'Sign in with Company IdP' }).click();
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.locator('input[name="login"]').fill('carol');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    // The provider may ask for consent once before it sends the browser back.
    for (let step = 0; step < 3 && !page.url().startsWith(registry.url); step += 1) {
      await page.locator('button[type="submit"]').click();
      await page.waitForLoadState();
    }
    await page.getByRole('region', { name: 'VS Code' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/ui/connect/currenttime');
    assert.match(await page.locator('#account').innerText(), /carol/);
    await page.goto(`${registry.url}/ui/me`);
    assert.match(await page.locator('dl.identity').innerText(), /carol[\s\S]*admins/);
    await context.close();
  });

  test('signed in with the session, the UI changes things (sending the CSRF token) and signs out', async () => {
    const { context, page } = await signIn();
    await page.getByRole('link', { name: 'Register a server' }).click();
    await page.locator('#field-server_name').fill('Notes');
    await page.locator('#field-path').fill('/notes');
    await page.locator('#field-proxy_pass_url').fill('http://127.0.0.1:8103/');
    const posted = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/servers'));
    await page.getByRole('button', { name: 'Register' }).click();
    assert.match((await posted).headers()['x-csrf-token'] ?? '', /.{16,}/);
    await page.locator('table.servers tbody tr[data-path="/notes"]').waitFor();
    assert.equal((await api('GET', '/api/servers/notes')).status, 200);

    await page.goto(`${registry.url}/ui/me`);
    await page.getByRole('button', { name: 'Create a token' }).click();
    const token = await page.locator('#token-value').inputValue();
    const me = await fetch(`${registry.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { user: string }).user, ADMIN.user);

    const cookie = (await context.cookies()).find((item) => item.name === 'mcpgw_session');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#login-username').waitFor();
    const after = await fetch(`${registry.url}/api/me`, { headers: { cookie: `mcpgw_session=${cookie?.value}` } });
    assert.equal(after.status, 401);
    await context.close();
  });

  test('a page on another origin cannot change anything with the session cookie, nor read the CSRF token', async () => {
    const { context, page } = await signIn();
    const watch = watchPage(page);
    const before = await api('GET', '/api/servers/currenttime');

    await page.goto(`${attackerUrl}/`);
    await page.waitForFunction(() => (window as unknown as { stolen?: string }).stolen !== undefined);
    assert.equal(await page.evaluate(() => (window as unknown as { stolen: string }).stolen), 'refused');

    const refusals: Array<{ url: string; status: number; cookie: boolean; body: string }> = [];
    for (const form of ['toggle', 'register']) {
      await page.goto(`${attackerUrl}/`);
      const [response] = await Promise.all([
        page.waitForResponse((answer) => answer.request().method() === 'POST' && answer.url().startsWith(registry.url)),
        page.evaluate((id) => (document.getElementById(id) as HTMLFormElement).submit(), form),
      ]);
      const headers = await response.request().allHeaders();
      refusals.push({ url: response.url(), status: response.status(), cookie: /mcpgw_session=/.test(headers.cookie ?? ''), body: await response.text() });
    }
        for (const refusal of refusals) {
      assert.equal(refusal.cookie, true, `the browser sent the session cookie to ${refusal.url}`);
      assert.equal(refusal.status, 403, refusal.body);
      assert.equal((JSON.parse(refusal.body) as { error: { code: string } }).error.code, 'REGISTRY_CSRF_TOKEN_INVALID');
    }
    const afterwards = await api('GET', '/api/servers/currenttime');
    assert.equal(afterwards.body.enabled, before.body.enabled);
    assert.equal(afterwards.body.revision, before.body.revision);
    assert.equal((await api('GET', '/api/servers/evil')).status, 404);
    assert.deepEqual(watch.dialogs, []);
    await context.close();
  });
});
