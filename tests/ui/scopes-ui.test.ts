import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium, saveScreenshot } from '../support/chromium.js';
import { startUiFixture, UI_TEST_SCOPES, type UiFixture } from './support/ui-fixture.js';

describe('web UI: scopes (Chromium)', { skip: chromiumSkipReason() }, () => {
  let browser: Browser;
  let fixture: UiFixture;
  let admin: BrowserContext;

  before(async () => {
    browser = await launchChromium();
    fixture = await startUiFixture(browser);
    admin = await fixture.signedIn('alice', ['admins']);
  });
  after(async () => {
    await browser?.close();
    await fixture?.registry.close();
  });

  const onDisk = () => readFileSync(fixture.registry.scopesFile, 'utf8');
  const revision = async (): Promise<number> => (await fixture.api('GET', '/api/scopes')).body.revision as number;
  const openScopes = async (): Promise<Page> => {
    const page = await admin.newPage();
    await page.goto(`${fixture.registry.url}/ui/scopes`);
    await page.locator('#scopes-yaml').waitFor();
    return page;
  };
  const save = async (page: Page, text: string): Promise<void> => {
    await page.locator('#scopes-yaml').fill(text);
    await page.getByRole('button', { name: 'Save scopes.yml' }).click();
  };

  test('the page shows the groups, their scopes and the file', async () => {
    const page = await openScopes();
    const overview = page.getByRole('region', { name: 'Groups and scopes' });
    assert.match(await overview.locator('table').first().innerText(), /admins\s+registry-admin, servers-all[\s\S]*viewers\s+registry-viewer/);
    assert.match(await overview.innerText(), /servers-all\s+\*\s+all\s+all/);
    assert.match(await overview.innerText(), /registry-viewer\s+list_service\s+all/);
    assert.equal(await page.locator('#scopes-yaml').inputValue(), onDisk());
    await page.close();
  });

  test('markup in scopes.yml (group names, comments) is shown as text and runs nothing', async () => {
    const group = `<img src=x onerror="window.__xss=1">`;
    const marked = UI_TEST_SCOPES.replace('viewers: [registry-viewer]', `viewers: [registry-viewer]\n  '${group}': [registry-viewer]`) + '# <script>window.__xss=2</script>\n';
    const put = await fetch(`${fixture.registry.url}/api/scopes`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await fixture.registry.mint.token('bob', ['admins'])}`, 'content-type': 'application/yaml', 'if-match': `"${await revision()}"` },
      body: marked,
    });
    assert.equal(put.status, 200, await put.text());
    const page = await openScopes();
    const groups = page.getByRole('table', { name: 'Groups' });
    assert.equal(await groups.getByRole('cell', { name: group, exact: true }).count(), 1);
    assert.equal(await page.locator('#scopes-yaml').inputValue(), marked);
    assert.equal(await page.locator('main img, main script').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    const restore = await fetch(`${fixture.registry.url}/api/scopes`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await fixture.registry.mint.token('bob', ['admins'])}`, 'content-type': 'application/yaml', 'if-match': `"${await revision()}"` },
      body: UI_TEST_SCOPES,
    });
    assert.equal(restore.status, 200);
    await page.close();
  });

  test('an invalid edit shows each problem with its path and changes nothing', async () => {
    const page = await openScopes();
    const before = { text: onDisk(), revision: await revision() };
    await save(page, UI_TEST_SCOPES.replace('viewers: [registry-viewer]', 'viewers: 5').replace('registry-viewer:\n    list_service: [all]', 'registry-viewer:\n    list_service: [all]\n    fly: [all]'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /would not validate\. Nothing was changed/);
    assert.match(text, /group_mappings\.viewers: .*array/);
    assert.match(text, /UI-Scopes\.registry-viewer: .*fly/);
    await saveScreenshot(page, 'scopes-validation-errors');

    await save(page, 'group_mappings: [\n');
    await page.getByRole('alert').filter({ hasText: 'not valid YAML' }).waitFor();
    assert.equal(onDisk(), before.text);
    assert.equal(await revision(), before.revision);
    await page.close();
  });

  test('groups are added, edited in place (with the refusal of an unknown scope shown at its path) and deleted', async () => {
    const page = await openScopes();
    const groups = page.getByRole('table', { name: 'Groups' });
    await page.locator('#new-group-name').fill('auditors');
    await page.locator('#new-group-scopes').fill('registry-viewer');
    await groups.getByRole('button', { name: 'Add group' }).click();
    await page.locator('.notice-success', { hasText: 'The group auditors is added' }).waitFor();
    assert.match(onDisk(), /auditors:\n\s+- registry-viewer/);

    const before = onDisk();
    await groups.getByRole('button', { name: 'Edit the scopes of auditors' }).click();
    await groups.getByRole('textbox', { name: 'Scopes of auditors' }).fill('registry-viewer, no-such-scope');
    await groups.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /group_mappings\.auditors.*: scope "no-such-scope" is not defined/);
    assert.equal(onDisk(), before);

    await page.reload();
    await groups.getByRole('button', { name: 'Delete the group auditors' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.locator('.notice-success', { hasText: 'The group auditors is deleted' }).waitFor();
    assert.doesNotMatch(onDisk(), /auditors/);
    await page.close();
  });

  test('an edit that would lock every administrator out is refused with its reason', async () => {
    const page = await openScopes();
    const before = onDisk();
    await save(page, UI_TEST_SCOPES.replace('admins: [registry-admin, servers-all]', 'admins: [servers-all]'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /lock every administrator out\. Nothing was changed/);
    assert.equal(onDisk(), before);
    await page.close();
  });

  test('a stale editor is told to reload; a good edit lands, and rolling back restores an earlier file', async () => {
    const page = await openScopes();
    const opened = await revision();
    const touched = `${onDisk()}# touched by someone else\n`;
    const put = await fetch(`${fixture.registry.url}/api/scopes`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await fixture.registry.mint.token('bob', ['admins'])}`, 'content-type': 'application/yaml', 'if-match': `"${opened}"` },
      body: touched,
    });
    assert.equal(put.status, 200);
    const withReaders = `${UI_TEST_SCOPES}# readers added through the web UI\n`;
    await save(page, withReaders);
    await page.getByRole('alert').filter({ hasText: 'changed since you opened it' }).waitFor();
    assert.equal(onDisk(), touched);
    await page.getByRole('button', { name: 'Reload the current version' }).click();
    await page.locator('.hint', { hasText: `Editing revision ${opened + 1}.` }).waitFor();
    assert.equal(await page.locator('#scopes-yaml').inputValue(), touched);

    await save(page, withReaders);
    await page.locator('.notice-success', { hasText: 'scopes.yml saved' }).waitFor();
    assert.equal(onDisk(), withReaders);

    const history = page.getByRole('table', { name: 'Revisions of scopes.yml' });
    await history.getByRole('row').filter({ hasText: `${opened + 2} (in force)` }).waitFor();
    const earlier = history.getByRole('row').filter({ has: page.getByRole('cell', { name: String(opened + 1), exact: true }) });
    await earlier.getByRole('button', { name: 'Show' }).click();
    await page.locator('pre.revision-text', { hasText: 'touched by someone else' }).waitFor();
    assert.equal((await page.locator('pre.revision-text').innerText()).trimEnd(), touched.trimEnd());
    await earlier.getByRole('button', { name: 'Roll back' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await page.locator('.notice-success', { hasText: `Rolled back to revision ${opened + 1}` }).waitFor();
    assert.equal(onDisk(), touched);
    assert.equal(await revision(), opened + 3);
    await page.close();
  });

  test('a viewer cannot open the scopes and is told why', async () => {
    const viewer = await fixture.signedIn('victor', ['viewers']);
    const page = await viewer.newPage();
    await page.goto(`${fixture.registry.url}/ui/scopes`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /may not view_scopes/);
    await viewer.close();
  });
});
