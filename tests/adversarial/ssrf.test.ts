import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isBlockedUpstreamHost } from '@mcpgw/lib/net/upstream-address-policy.js';
import { compileRoutes } from '../../gateway/src/routes/compile-routes.js';
import { guardedLookup } from '../../gateway/src/proxy/guarded-lookup.js';
import { startStack, type Stack } from '../support/stack.js';

describe('SSRF: upstreams at link-local and cloud metadata addresses', () => {
  const table: Array<[string, boolean]> = [
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['0.0.0.0', true],
    ['[::]', true],
    ['[fe80::1]', true],
    ['[FEBF::1]', true],
    ['[::ffff:169.254.169.254]', true],
    ['[fd00:ec2::254]', true],
    ['metadata.google.internal', true],
    ['metadata.google.internal.', true],
    ['METADATA.GOOG', true],
    ['127.0.0.1', false],
    ['[::1]', false],
    ['10.0.0.5', false],
    ['192.168.1.20', false],
    ['mcp.internal.example', false],
    ['169.255.0.1', false],
  ];
  for (const [host, blocked] of table) {
    test(`${host} is ${blocked ? 'refused' : 'allowed'}`, () => assert.equal(isBlockedUpstreamHost(host), blocked));
  }

  test('the gateway skips such routes unless the operator allows them', () => {
    const routes = {
      version: '1',
      routes: [
        { path: '/meta', proxyPassUrl: 'http://169.254.169.254/latest/', enabled: true, serverName: 'meta' },
        { path: '/ok', proxyPassUrl: 'http://127.0.0.1:9/', enabled: true, serverName: 'ok' },
      ],
    };
    const skipped: string[] = [];
    const matcher = compileRoutes(routes, ({ route }) => skipped.push(route.path), false);
    assert.deepEqual(skipped, ['/meta']);
    assert.equal(matcher.match('/meta/mcp'), undefined);
    assert.ok(matcher.match('/ok/mcp'));
    assert.ok(compileRoutes(routes, () => undefined, true).match('/meta/mcp'));
  });

  test("the gateway's resolver refuses names that resolve to such addresses", async () => {
    const lookup = (host: string) =>
      new Promise<string>((resolve, reject) => guardedLookup(host, {}, (error, address) => (error ? reject(error) : resolve(String(address)))));
    await assert.rejects(lookup('169.254.169.254'), (error: NodeJS.ErrnoException) => error.code === 'EUPSTREAMFORBIDDEN');
    assert.equal(await lookup('127.0.0.1'), '127.0.0.1');
  });

  describe('the registry refuses to register them', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack();
    });
    after(async () => {
      await stack.close();
    });
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]:8080/', 'http://metadata.google.internal/']) {
      test(url, async () => {
        const response = await stack.register({ server_name: 'meta', path: '/meta', proxy_pass_url: url });
        assert.equal(response.status, 400);
        const body = (await response.json()) as { error: { code: string; problems: Array<{ path: string }> } };
        assert.equal(body.error.code, 'REGISTRY_INVALID_SERVER');
        assert.deepEqual(body.error.problems.map((problem) => problem.path), ['proxy_pass_url']);
      });
    }
  });
});
