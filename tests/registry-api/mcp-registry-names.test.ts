import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvError } from '@mcpgw/lib/config/env.js';
import { checkMcpRegistrySettings, mcpRegistrySettingsFromEnv } from '../../registry/src/services/mcp-registry/mcp-registry-settings.js';
import { serverNameOf } from '../../registry/src/services/mcp-registry/server-name.js';
import { serverVersionOf } from '../../registry/src/services/mcp-registry/server-version.js';
import { gatewayEndpointsOf } from '../../registry/src/services/mcp-registry/gateway-endpoints.js';
import { assertValidServerJson } from './support/spec-validators.js';

const NAME_PATTERN = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;

describe('server names', () => {
  const table: Array<[string, string]> = [
    ['/currenttime', 'io.example.gateway/currenttime'],
    ['/team/weather', 'io.example.gateway/team.weather'],
    ['/my_server-2', 'io.example.gateway/my_server-2'],
    ['/v1.2', 'io.example.gateway/v1.D2'],
    ['/a/.b', 'io.example.gateway/a..Db'],
  ];
  for (const [serverPath, name] of table) {
    test(`${serverPath} is named ${name}`, () => {
      assert.equal(serverNameOf('io.example.gateway', serverPath), name);
      assert.match(name, NAME_PATTERN);
    });
  }

  test('paths that differ only in dots and slashes get different names', () => {
    const paths = ['/a.b', '/a/b', '/a..b', '/a./b', '/a/.b', '/a/b.c', '/a.b/c', '/a/b/c', '/a.b.c', '/a_b', '/a-b', '/a.db', '/a/db', '/a.d/b'];
    const names = paths.map((p) => serverNameOf('ns', p));
    assert.equal(new Set(names).size, paths.length, names.join(' '));
    for (const name of names) assert.match(name, NAME_PATTERN);
  });
});

describe('server versions', () => {
  test('a server is published as 1.0.0 and every change raises the patch number', () => {
    assert.equal(serverVersionOf(1), '1.0.0');
    assert.equal(serverVersionOf(2), '1.0.1');
    assert.equal(serverVersionOf(42), '1.0.41');
  });

  test('anything but a revision is refused', () => {
    for (const revision of [0, -1, 1.5, Number.NaN]) assert.throws(() => serverVersionOf(revision));
  });
});

describe('gateway endpoints', () => {
  test('streamable-http and sse map to /mcp and /sse under the gateway, websocket is left out', () => {
    assert.deepEqual(gatewayEndpointsOf('https://gw.example.com/base', '/team/weather', ['sse', 'websocket', 'streamable-http', 'sse']), [
      { type: 'sse', url: 'https://gw.example.com/base/team/weather/sse' },
      { type: 'streamable-http', url: 'https://gw.example.com/base/team/weather/mcp' },
    ]);
  });
});

describe('MCP registry settings', () => {
  test('defaults: the local namespace and the gateway on GATEWAY_PORT', () => {
    assert.deepEqual(mcpRegistrySettingsFromEnv({}), { namespace: 'local.mcp-gateway', gatewayUrl: 'http://127.0.0.1:8000' });
    assert.deepEqual(mcpRegistrySettingsFromEnv({ GATEWAY_PORT: '9100' }).gatewayUrl, 'http://127.0.0.1:9100');
  });

  test('GATEWAY_PUBLIC_URL wins, as an origin', () => {
    const settings = mcpRegistrySettingsFromEnv({ GATEWAY_PUBLIC_URL: 'https://gw.example.com/', MCP_REGISTRY_NAMESPACE: 'com.example', GATEWAY_PORT: '1' });
    assert.deepEqual(settings, { namespace: 'com.example', gatewayUrl: 'https://gw.example.com' });
    assert.ok(Object.isFrozen(settings));
  });

  const badNamespaces = ['com.example/x', 'com_example', 'a'.repeat(101)];
  for (const namespace of badNamespaces) {
    test(`refuses the namespace ${namespace.slice(0, 20)}`, () => {
      assert.throws(
        () => mcpRegistrySettingsFromEnv({ MCP_REGISTRY_NAMESPACE: namespace }),
        (error: unknown) => error instanceof EnvError && error.code === 'CONFIG_INVALID_ENV',
      );
    });
  }

  for (const url of ['/gateway', 'ws://127.0.0.1:8000', 'http://127.0.0.1:8000/?x=1', 'https://gw.example.com/base']) {
    test(`refuses the gateway URL ${url}`, () => {
      assert.throws(() => mcpRegistrySettingsFromEnv({ GATEWAY_PUBLIC_URL: url }));
      assert.throws(() => checkMcpRegistrySettings({ namespace: 'ok', gatewayUrl: url }));
    });
  }

  test('the longest namespace still makes valid names', () => {
    assertValidServerJson({ name: serverNameOf('n'.repeat(100), '/currenttime'), description: 'd', version: '1.0.0' });
  });
});
