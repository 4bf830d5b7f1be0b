import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mcpRegistrySettingsFromEnv } from '../../registry/src/services/mcp-registry/mcp-registry-settings.js';
import { chromiumSkipReason, launchChromium, saveScreenshot, watchPage } from '../support/chromium.js';
import { startUiFixture, type UiFixture } from './support/ui-fixture.js';

const XSS_NAME = `<img src=x onerror="window.__xss='name';alert('name')">`;
const XSS_DESCRIPTION = `<script>window.__xss='description';alert('description')</script><img src=x onerror="window.__xss='img'">`;

describe('web UI: servers (Chromium)', { skip: chromiumSkipReason() }, () => {
  let browser: Browser;
  let fixture: UiFixture;
  let admin: BrowserContext;

  before(async () => {
    browser = await launchChromium();
    fixture = await startUiFixture(browser);
    for (const entry of [
      { server_name: 'Current time', path: '/currenttime', proxy_pass_url: 'http://127.0.0.1:8101/', description: 'Tells the time', tags: ['time', 'utilities'] },
      { server_name: 'Weather', path: '/team/weather', proxy_pass_url: 'http://127.0.0.1:8102/', description: 'Forecasts', tags: ['weather'], visibility: 'group-restricted', allowed_groups: ['admins'] },
    ]) {
      assert.equal((await fixture.api('POST', '/api/servers', entry)).status, 201);
    }
    admin = await fixture.signedIn('alice', ['admins']);
  });
  after(async () => {
    await browser?.close();
    await fixture?.registry.close();
  });

  const openServers = async (context = admin): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${fixture.registry.url}/`);
    await page.locator('table.servers tbody tr').first().waitFor();
    return page;
  };
  const row = (page: Page, path: string) => page.locator(`table.servers tbody tr[data-path="${path}"]`);

  test('/ leads to the list of registered servers, with their fields, under a strict CSP', async () => {
    const page = await admin.newPage();
    const answer = await page.goto(`${fixture.registry.url}/`);
    assert.equal(new URL(page.url()).pathname, '/ui/');
    assert.match(answer?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.locator('table.servers tbody tr').first().waitFor();
    const time = row(page, '/currenttime');
    assert.match(await time.innerText(), /Current time[\s\S]*Tells the time[\s\S]*\/currenttime[\s\S]*time[\s\S]*utilities[\s\S]*public/);
    assert.equal(await time.getByRole('switch').isChecked(), true);
    assert.match(await row(page, '/team/weather').innerText(), /Weather[\s\S]*group-restricted/);
    assert.match(await page.locator('#account').innerText(), /alice/);
    assert.equal((await saveScreenshot(page, 'servers')).subarray(1, 4).toString(), 'PNG');
    await page.close();
  });

  test('the filter box narrows the list', async () => {
    const page = await openServers();
    await page.locator('#server-filter').fill('forecast');
    assert.equal(await row(page, '/currenttime').isHidden(), true);
    assert.equal(await row(page, '/team/weather').isVisible(), true);
    await page.locator('#server-filter').fill('nothing matches this');
    assert.match(await page.locator('p.empty').innerText(), /No server matches/);

    assert.equal((await fixture.api('POST', '/api/servers', { server_name: 'Late', path: '/late', proxy_pass_url: 'http://127.0.0.1:8108/', description: 'nothing matches this' })).status, 201);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row(page, '/late').waitFor();
    assert.equal(await row(page, '/currenttime').isHidden(), true, 'the filter still applies after a refresh');
    assert.equal((await fixture.api('DELETE', '/api/servers/late')).status, 204);
    await page.close();
  });

  test('registering through the form lists the new server', async () => {
    const page = await openServers();
    await page.getByRole('link', { name: 'Register a server' }).click();
    await page.locator('#field-server_name').fill('Notes');
    await page.locator('#field-path').fill('/notes');
    await page.locator('#field-proxy_pass_url').fill('http://127.0.0.1:8103/');
    await page.locator('#field-description').fill('Keeps notes');
    await page.locator('#field-tags').fill('notes, text');
    await page.getByRole('button', { name: 'Register' }).click();
    await row(page, '/notes').waitFor();
    assert.match(await page.locator('.notice-success').innerText(), /Notes was registered at \/notes/);
    const stored = await fixture.api('GET', '/api/servers/notes');
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body.tags, ['notes', 'text']);
    assert.equal(stored.body.proxy_pass_url, 'http://127.0.0.1:8103/');
    await page.close();
  });

  test("the API's validation errors appear next to the fields, and nothing is registered", async () => {
    const page = await admin.newPage();
    await page.goto(`${fixture.registry.url}/ui/servers/new`);
    await page.locator('#field-server_name').fill('Bad');
    await page.locator('#field-path').fill('/api/bad');
    await page.locator('#field-proxy_pass_url').fill('ftp://127.0.0.1/');
    await page.getByRole('button', { name: 'Register' }).click();
    const urlError = page.locator('#error-proxy_pass_url');
    await urlError.waitFor();
    assert.match(await urlError.innerText(), /http/);
    assert.match(await page.locator('#error-path').innerText(), /gateway keeps for itself/);
    assert.equal(await page.locator('#field-proxy_pass_url').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#error-server_name').isHidden(), true);
    assert.equal(new URL(page.url()).pathname, '/ui/servers/new');
    await saveScreenshot(page, 'register-validation-errors');
    const listed = await fixture.api('GET', '/api/servers');
    assert.ok(!listed.body.servers.some((server: { server_name: string }) => server.server_name === 'Bad'));
    await page.close();
  });

  test('an upstream credential is typed once, kept through edits and never shown again', async () => {
    const secret = 'upstream-secret-0123456789';
    const page = await admin.newPage();
    await page.goto(`${fixture.registry.url}/ui/servers/new`);
    await page.locator('#field-server_name').fill('Vault');
    await page.locator('#field-path').fill('/vault');
    await page.locator('#field-proxy_pass_url').fill('http://127.0.0.1:8107/');
    await page.locator('#field-auth_scheme').selectOption('api_key');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#error-auth_credential').waitFor();
    assert.match(await page.locator('#error-auth_credential').innerText(), /required/);
    assert.equal((await fixture.api('GET', '/api/servers/vault')).status, 404);

    await page.locator('#field-auth_scheme').selectOption('bearer');
    await page.locator('#field-auth_credential').fill(secret);
    await page.getByRole('button', { name: 'Register' }).click();
    await row(page, '/vault').waitFor();
    const stored = await fixture.api('GET', '/api/servers/vault');
    assert.equal(stored.body.auth_scheme, 'bearer');
    assert.equal(stored.body.auth_credential_set, true);
    assert.doesNotMatch(JSON.stringify(stored.body), new RegExp(secret));

    await page.goto(`${fixture.registry.url}/ui/servers/edit/vault`);
    await page.locator('#credential-state', { hasText: 'A bearer credential is set' }).waitFor();
    assert.equal(await page.locator('#field-auth_credential').inputValue(), '');
    await page.locator('#field-description').fill('Keeps secrets');
    await page.getByRole('button', { name: 'Save' }).click();
    await row(page, '/vault').waitFor();
    const edited = await fixture.api('GET', '/api/servers/vault');
    assert.equal(edited.body.description, 'Keeps secrets');
    assert.equal(edited.body.auth_credential_set, true);
    assert.doesNotMatch(await page.content(), new RegExp(secret));
    await page.close();
  });

  test('the switch disables and enables a server', async () => {
    const page = await openServers();
    const toggle = row(page, '/currenttime').getByRole('switch');
    await toggle.click();
    await page.locator('.notice-success', { hasText: 'Current time is now disabled' }).waitFor();
    assert.equal((await fixture.api('GET', '/api/servers/currenttime')).body.enabled, false);
    await toggle.click();
    await page.locator('.notice-success', { hasText: 'Current time is now enabled' }).waitFor();
    assert.equal((await fixture.api('GET', '/api/servers/currenttime')).body.enabled, true);
    await page.close();
  });

  test('an edit that lost a race says so, saves nothing, and reloads the current version on request', async () => {
    const page = await admin.newPage();
    await page.goto(`${fixture.registry.url}/ui/servers/edit/team/weather`);
    await page.locator('#field-description').waitFor();
    await page.waitForFunction(() => (document.getElementById('field-description') as HTMLTextAreaElement | null)?.value === 'Forecasts');
    assert.equal((await fixture.api('PATCH', '/api/servers/team/weather', { description: 'Saved by someone else' })).status, 200);
    await page.locator('#field-description').fill('My edit');
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Someone else saved this server/);
    assert.equal((await fixture.api('GET', '/api/servers/team/weather')).body.description, 'Saved by someone else');

    await page.getByRole('button', { name: 'Reload the current version' }).click();
    await page.waitForFunction(() => (document.getElementById('field-description') as HTMLTextAreaElement | null)?.value === 'Saved by someone else');
    await page.locator('#field-description').fill('My edit, redone');
    await page.getByRole('button', { name: 'Save' }).click();
    await row(page, '/team/weather').waitFor();
    assert.equal((await fixture.api('GET', '/api/servers/team/weather')).body.description, 'My edit, redone');
    await page.close();
  });

  test('delete asks first; cancelling keeps the server', async () => {
    assert.equal((await fixture.api('POST', '/api/servers', { server_name: 'Doomed', path: '/doomed', proxy_pass_url: 'http://127.0.0.1:8104/' })).status, 201);
    const page = await openServers();
    const watch = watchPage(page);
    await row(page, '/doomed').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    assert.match(await dialog.innerText(), /Delete Doomed \(\/doomed\)\?/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await fixture.api('GET', '/api/servers/doomed')).status, 200);
    await row(page, '/doomed').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await row(page, '/doomed').waitFor({ state: 'detached' });
    assert.equal((await fixture.api('GET', '/api/servers/doomed')).status, 404);
    assert.deepEqual(watch.dialogs, []);
    await page.close();
  });

  test('names and descriptions with markup render as text and run nothing', async () => {
    assert.equal(
      (await fixture.api('POST', '/api/servers', { server_name: XSS_NAME, path: '/xss', proxy_pass_url: 'http://127.0.0.1:8105/', description: XSS_DESCRIPTION, tags: ['<b>bold</b>'] })).status,
      201,
    );
    const page = await admin.newPage();
    const watch = watchPage(page);
    await page.goto(`${fixture.registry.url}/ui/`);
    const xss = row(page, '/xss');
    await xss.waitFor();
    assert.equal(await xss.locator('.server-name').innerText(), XSS_NAME);
    assert.equal(await xss.locator('.description').innerText(), XSS_DESCRIPTION);
    assert.equal(await xss.locator('.tag').innerText(), '<b>bold</b>');
    await page.goto(`${fixture.registry.url}/ui/connect/xss`);
    await page.locator('.snippet').first().waitFor();
    assert.match(await page.locator('main').innerText(), /<img src=x onerror=/);
    await page.goto(`${fixture.registry.url}/ui/servers/edit/xss`);
    await page.waitForFunction((name) => (document.getElementById('field-server_name') as HTMLInputElement | null)?.value === name, XSS_NAME);
    assert.equal(await page.locator('#field-description').inputValue(), XSS_DESCRIPTION);

    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), undefined);
    assert.equal(await page.locator('main img, main script, main b').count(), 0);
    assert.deepEqual(watch.dialogs, []);
    assert.deepEqual(watch.pageErrors, []);
    assert.deepEqual(watch.consoleErrors.filter((text) => /Content Security Policy|Refused/i.test(text)), []);
    await page.close();
  });

  test('the connect panel gives each assistant the gateway URL of the server and a token placeholder', async () => {
    const page = await admin.newPage();
    await page.goto(`${fixture.registry.url}/ui/`);
    await row(page, '/currenttime').getByRole('link', { name: 'Connect' }).click();
    const vscode = page.getByRole('region', { name: 'VS Code' });
    await vscode.waitFor();
    const url = `${mcpRegistrySettingsFromEnv().gatewayUrl}/currenttime/mcp`;
    const config = JSON.parse(await vscode.locator('pre').innerText()) as { servers: Record<string, { type: string; url: string; headers: Record<string, string> }> };
    assert.deepEqual(config.servers.currenttime, { type: 'http', url, headers: { Authorization: 'Bearer ${input:mcp-gateway-token}' } });
    assert.equal(
      await page.getByRole('region', { name: 'Claude Code' }).locator('pre').innerText(),
      `claude mcp add --transport http currenttime ${url} --header 'Authorization: Bearer <YOUR_TOKEN>'`,
    );
    const cursor = JSON.parse(await page.getByRole('region', { name: 'Cursor' }).locator('pre').innerText()) as { mcpServers: Record<string, unknown> };
    assert.deepEqual(cursor.mcpServers.currenttime, { url, headers: { Authorization: 'Bearer <YOUR_TOKEN>' } });
    await saveScreenshot(page, 'connect');
    await page.close();
  });

  test('a viewer sees the list but no controls to change it, and the API refuses the change anyway', async () => {
    const viewer = await fixture.signedIn('victor', ['viewers']);
    const page = await openServers(viewer);
    assert.equal(await page.getByRole('link', { name: 'Register a server' }).count(), 0);
    assert.equal(await row(page, '/currenttime').getByRole('switch').isDisabled(), true);
    assert.equal(await row(page, '/currenttime').getByRole('button', { name: 'Delete' }).count(), 0);
    await page.goto(`${fixture.registry.url}/ui/me`);
    assert.match(await page.locator('dl.identity').innerText(), /victor[\s\S]*viewers/);
    await page.goto(`${fixture.registry.url}/ui/servers/new`);
    await page.locator('#field-server_name').fill('Sneaky');
    await page.locator('#field-path').fill('/sneaky');
    await page.locator('#field-proxy_pass_url').fill('http://127.0.0.1:8106/');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /may not register_service/);
    assert.equal((await fixture.api('GET', '/api/servers/sneaky')).status, 404);
    await viewer.close();
  });
});
