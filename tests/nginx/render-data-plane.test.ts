import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxDataPlaneSettings } from '../../registry/src/nginx/nginx-data-plane-settings.js';
import { renderNginxDataPlane } from '../../registry/src/nginx/render-nginx-data-plane.js';

const BASE_INPUT = {
  configFile: '/etc/nginx/conf.d/mcpgw-dataplane.conf',
  listen: '8080',
  socket: '/run/mcpgw/dataplane.sock',
  authUrl: 'http://auth-server:8888',
  command: 'nginx',
};
const settings = nginxDataPlaneSettings(BASE_INPUT);
const hopSecret = 'a'.repeat(64);
const route = (path: string, proxyPassUrl: string, enabled = true) => ({ path, proxyPassUrl, enabled, serverName: path });
const render = (routes: ReturnType<typeof route>[], allowLinkLocal = false) =>
  renderNginxDataPlane({ version: 'v1', routes }, settings, { allowLinkLocal, hopSecret });

describe('renderNginxDataPlane', () => {
  test('routes nginx cannot carry safely are left out, each with its reason', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/Bad Path', 'http://127.0.0.1:9000/', /canonical/],
      ['/api/x', 'http://127.0.0.1:9000/', /gateway answers itself/],
      ['/q', 'http://127.0.0.1:9000/mcp?x=1', /query/],
      ['/dollar', 'http://127.0.0.1:9000/$host/', /characters/],
      ['/quote', 'http://127.0.0.1:9000/a";return 200;"', /characters/],
      ['/creds', 'http://user:pw@127.0.0.1:9000/', /credentials/],
      ['/meta', 'http://169.254.169.254/', /link-local/],
      ['/ftp', 'ftp://127.0.0.1/', /http or https/],
    ];
    for (const [path, url, reason] of cases) {
      const rendered = render([route(path, url)]);
      assert.equal(rendered.skipped.length, 1, path);
      assert.match(rendered.skipped[0]?.reason ?? '', reason, path);
      assert.doesNotMatch(rendered.config, /location \/(q|dollar|quote|creds|meta|ftp)\//, path);
    }
    assert.equal(render([route('/meta', 'http://169.254.169.254/')], true).skipped.length, 0);
  });

  test('a second route for the same path is left out', () => {
    const rendered = render([route('/a', 'http://127.0.0.1:9000/'), route('/a/', 'http://127.0.0.1:9001/')]);
    assert.deepEqual(rendered.skipped.map((item) => item.path), ['/a/']);
  });

  test('a disabled server answers 503 without reaching its upstream or the check', () => {
    const { config } = render([route('/off', 'http://127.0.0.1:9000/', false)]);
    assert.match(config, /location \/off\/ \{\n\s+return 503 '.*GW_SERVER_DISABLED/);
    assert.doesNotMatch(config, /127\.0\.0\.1:9000/);
  });

  test('an https upstream keeps its path and gets SNI; the check goes to the auth-server', () => {
    const { config } = render([route('/team/weather', 'https://weather.internal/base')]);
    assert.match(config, /server weather\.internal:443;/);
    assert.match(config, /proxy_ssl_name weather\.internal;/);
    assert.match(config, /proxy_pass https:\/\/mcpgw_server_0\/base\/;/);
    assert.match(config, /server auth-server:8888;/);
    assert.match(config, /proxy_pass http:\/\/mcpgw_auth_server\/validate;/);
    assert.match(config, /proxy_set_header X-Server-Path \/team\/weather;/);
  });

  test('every identity header is set from the check answer and no client copy survives', () => {
    const { config } = render([route('/a', 'http://127.0.0.1:9000/')]);
    for (const header of ['X-User', 'X-Username', 'X-Client-Id', 'X-Scopes', 'X-Auth-Method', 'X-Groups']) {
      assert.match(config, new RegExp(`proxy_set_header ${header} \\$mcpgw_`), header);
    }
    for (const header of ['X-Mcp-Method', 'X-Mcp-Tool', 'X-Allowed-Tools', 'X-Forwarded-User', 'X-Auth-Request-Access-Token']) {
      assert.match(config, new RegExp(`proxy_set_header ${header} "";`), header);
    }
  });

  test('the check goes to {AUTH_URL}/validate, path prefix included, as the gateway\'s does', () => {
    const prefixed = nginxDataPlaneSettings({ ...BASE_INPUT, authUrl: 'https://auth.internal/mcp-auth/' });
    const { config } = renderNginxDataPlane({ version: 'v', routes: [route('/a', 'http://127.0.0.1:9000/')] }, prefixed, { allowLinkLocal: false, hopSecret });
    assert.match(config, /proxy_pass https:\/\/mcpgw_auth_server\/mcp-auth\/validate;/);
    assert.match(config, /server auth\.internal:443;/);
  });

  test('settings that would break the file are refused', () => {
    const base = { configFile: '/etc/nginx/conf.d/x.conf', listen: '8080', socket: '/run/x.sock', authUrl: 'http://a:1', command: 'nginx' };
    assert.throws(() => nginxDataPlaneSettings({ ...base, listen: '80; include /etc/passwd' }), /NGINX_DATAPLANE_LISTEN/);
    assert.throws(() => nginxDataPlaneSettings({ ...base, socket: 'relative.sock' }), /NGINX_DATAPLANE_SOCKET/);
    assert.throws(() => nginxDataPlaneSettings({ ...base, configFile: '/etc/nginx/x.txt' }), /NGINX_DATAPLANE_FILE/);
    assert.throws(() => nginxDataPlaneSettings({ ...base, authUrl: 'not a url' }), /AUTH_URL/);
    assert.throws(() => nginxDataPlaneSettings({ ...base, authUrl: 'http://auth:8888/a;b' }), /AUTH_URL/);
    assert.throws(() => renderNginxDataPlane({ version: 'v', routes: [] }, settings, { allowLinkLocal: false, hopSecret: 'short' }), /hop secret/);
  });
});
