import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { sendError } from '../../registry/src/errors/send-error.js';
import { renderIndexHtml } from '../../registry/src/ui/render-index-html.js';
import { UI_CONTENT_SECURITY_POLICY } from '../../registry/src/ui/ui-security-headers.js';
import { uiRouter } from '../../registry/src/ui/ui-router.js';
import { ensureUiBuilt } from '../support/chromium.js';
import { startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { UI_TEST_SCOPES } from './support/ui-fixture.js';

describe('web UI: serving', () => {
  let registry: TestRegistry;
  let assets: string;

  before(async () => {
    ensureUiBuilt();
    registry = await startTestRegistry(UI_TEST_SCOPES);
    const page = await registry.http().get('/ui/').expect(200);
    assets = /src="(\/ui\/assets\/[0-9a-f]{16})\/main\.js"/.exec(page.text)?.[1] ?? assert.fail(`no script in ${page.text}`);
  });
  after(() => registry?.close());

  test('/ and /ui redirect to /ui/', async () => {
    await registry.http().get('/').expect(302).expect('location', '/ui/');
    await registry.http().get('/ui').expect(302).expect('location', '/ui/');
  });

  test('every page of the UI is the one page, with a strict CSP and no inline script', async () => {
    for (const path of ['/ui/', '/ui/scopes', '/ui/servers/edit/team/weather', '/ui/sign-in']) {
      const page = await registry.http().get(path).expect(200).expect('content-type', /text\/html/);
      assert.equal(page.headers['content-security-policy'], UI_CONTENT_SECURITY_POLICY);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.equal(page.headers['cache-control'], 'no-cache');
      for (const script of page.text.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? []) assert.match(script, /^<script type="module" src="[^"]+"><\/script>$/);
      assert.doesNotMatch(page.text, /\son[a-z]+=/i);
    }
    assert.match(UI_CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.doesNotMatch(UI_CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
  });

  test('assets are cached for good under their version; others are not served', async () => {
    const script = await registry.http().get(`${assets}/main.js`).expect(200);
    assert.match(script.headers['content-type'] ?? '', /^text\/javascript/);
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(script.headers['content-security-policy'], UI_CONTENT_SECURITY_POLICY);
    await registry.http().get(`${assets}/pages/servers-page.js`).expect(200);
    await registry.http().get(`${assets}/styles.css`).expect(200).expect('content-type', /^text\/css/);
    for (const path of [`${assets}/main.d.ts`, `${assets}/index.html`, '/ui/assets/0000000000000000/main.js', `${assets}/..%2F..%2Fpackage.json`, `${assets}/..%2Ftsconfig.json`]) {
      const answer = await registry.http().get(path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.error.code, 'REGISTRY_NOT_FOUND');
    }
  });

  test('the UI shadows no API path', async () => {
    const api = await registry.http().get('/api/servers').expect(401);
    assert.match(api.headers['www-authenticate'] ?? '', /^Bearer/);
    await registry.http().get('/health').expect(200, { status: 'ok' });
    await registry.http().get('/.well-known/jwks.json').expect(200).expect('content-type', /json/);
    const v0 = await registry.http().get('/v0/servers');
    assert.match(v0.headers['content-type'] ?? '', /json/);
    for (const path of ['/internal/routes', '/v0.1/servers', '/oauth2/providers', '/uix', '/api/ui', '/favicon.ico']) {
      const answer = await registry.http().get(path);
      assert.doesNotMatch(answer.headers['content-type'] ?? '', /html/, path);
      assert.equal(answer.headers['content-security-policy'], undefined, path);
    }
  });

  test('GET /api/me says who the caller is and what it may do', async () => {
    const admin = await registry.http().get('/api/me').set('authorization', `Bearer ${await registry.mint.token('alice', ['admins'])}`).expect(200);
    assert.equal(admin.body.user, 'alice');
    assert.deepEqual(admin.body.groups, ['admins']);
    assert.deepEqual(admin.body.scopes, ['registry-admin', 'servers-all']);
    assert.equal(admin.body.actions.modify_scopes, 'all');
    const viewer = await registry.http().get('/api/me').set('authorization', `Bearer ${await registry.mint.token('victor', ['viewers'])}`).expect(200);
    assert.deepEqual(viewer.body.actions, { list_service: 'all' });
    const nobody = await registry.http().get('/api/me').expect(401);
    assert.equal(typeof nobody.body.error.code, 'string');
  });

  test('a registry whose UI is not built says how to build it', async () => {
    const app = express();
    app.use(uiRouter({ gatewayUrl: 'http://127.0.0.1:8000', assets: undefined }));
    app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => sendError(response, error, pino({ level: 'silent' })));
    const answer = await request(app).get('/ui/').expect(503);
    assert.equal(answer.body.error.code, 'REGISTRY_UI_NOT_BUILT');
  });

  test('settings rendered into the page are escaped', () => {
    const html = renderIndexHtml('<meta content="{{GATEWAY_URL}}"><script src="{{ASSETS}}/main.js"></script>', '/ui/assets/v', { gatewayUrl: `https://gw.example/"><script>alert(1)</script>` });
    assert.equal(html, '<meta content="https://gw.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"><script src="/ui/assets/v/main.js"></script>');
  });
});
