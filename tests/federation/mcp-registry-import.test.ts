import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { derivedSamples, exampleEntry, startMcpRegistryServer, type McpRegistryServer, type ServerResponse } from './support/mcp-registry-server.js';
import { startFederatedRegistry, type FederatedRegistry } from './support/federated-registry.js';

const PAGE_KEYS = [
  'GET /v0.1/servers?limit=2',
  'GET /v0.1/servers?limit=2&cursor=io.github.domdomegg/airtable-mcp-server:1.7.3',
  'GET /v0.1/servers?limit=2&cursor=io.github.domdomegg/time-mcp-pypi:1.0.6',
];

/** The seed entries of the derived samples (every version), and two remote servers of the spec's examples. */
function officialEntries(): ServerResponse[] {
  const samples = derivedSamples();
  const seed = PAGE_KEYS.flatMap((key) => samples[key]?.servers ?? []);
  return [
    ...seed,
    exampleEntry('spec-remote-server-example.json', '2025-10-05T10:00:00Z'),
    exampleEntry('spec-remote-server-with-url-templating-0.json', '2025-10-06T10:00:00Z'),
  ];
}

describe('import from an MCP Registry', () => {
  let registry: McpRegistryServer;
  let hub: FederatedRegistry;
  let spoke: FederatedRegistry;

  before(async () => {
    registry = await startMcpRegistryServer(officialEntries());
    [hub, spoke] = await Promise.all([startFederatedRegistry('hub'), startFederatedRegistry('spoke')]);
    await spoke.register('/tickets');
    await hub.addPeer('spoke', spoke);
    const added = await hub.api('POST', '/api/peers', { peer_id: 'anthropic', kind: 'mcp-registry', name: 'MCP Registry', endpoint: registry.url, sync_interval_minutes: 0 });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  });
  after(async () => {
    await Promise.all([hub.close(), spoke.close(), registry.close()]);
  });

  test('the local MCP Registry answers exactly as the derived samples of the official API', async () => {
    registry.entries = officialEntries().slice(0, 4);
    try {
      const samples = derivedSamples();
      for (const key of PAGE_KEYS) {
        const response = await fetch(`${registry.url}${key.slice('GET '.length)}`);
        assert.deepEqual(await response.json(), samples[key], key);
      }
      const bad = await fetch(`${registry.url}/v0.1/servers?updated_since=not-a-date`);
      assert.equal(bad.status, 400);
      assert.deepEqual(await bad.json(), samples['GET /v0.1/servers?updated_since=not-a-date (400, application/problem+json)']);
    } finally {
      registry.entries = officialEntries();
    }
  });

  test('source=anthropic imports the latest version of each server: remotes routable, package-only ones kept as not routable', async () => {
    const { status, body } = await hub.api('POST', '/api/federation/sync?source=anthropic');
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.results.map((result: { peer_id: string; ok: boolean }) => [result.peer_id, result.ok]), [['anthropic', true]]);
    assert.deepEqual(await hub.paths(), [
      '/anthropic/io.github.domdomegg/airtable-mcp-server',
      '/anthropic/io.github.domdomegg/time-mcp-nuget',
      '/anthropic/io.github.domdomegg/time-mcp-pypi',
      '/anthropic/io.modelcontextprotocol.anonymous/mcp-fs',
      '/anthropic/io.modelcontextprotocol.anonymous/multi-tenant-server',
    ], 'only the registry source: the spoke is a source=peers peer');
    const remote = (await hub.api('GET', '/api/servers/anthropic/io.modelcontextprotocol.anonymous/mcp-fs')).body;
    assert.deepEqual([remote.enabled, remote.proxy_pass_url, remote.mcp_endpoint, remote.source], [true, 'https://mcp-fs.anonymous.modelcontextprotocol.io/', 'https://mcp-fs.anonymous.modelcontextprotocol.io/http', 'federated']);
    const packaged = (await hub.api('GET', '/api/servers/anthropic/io.github.domdomegg/airtable-mcp-server')).body;
    assert.equal(packaged.enabled, false);
    assert.ok(packaged.tags.includes('not-routable'));
    assert.equal(packaged.metadata.mcp_registry.version, '1.7.3');
    assert.deepEqual(packaged.metadata.mcp_registry.packages.map((pkg: { registryType: string }) => pkg.registryType), ['npm', 'oci', 'mcpb']);
    const templated = (await hub.api('GET', '/api/servers/anthropic/io.modelcontextprotocol.anonymous/multi-tenant-server')).body;
    assert.equal(templated.enabled, false, 'a remote URL with variables cannot be routed as it is');
    const query = registry.queries.at(-1);
    assert.equal(query?.get('version'), 'latest');
    assert.equal(query?.get('updated_since'), null);
  });

  test('the next sync asks with updated_since; deleted servers become orphans and updated ones change', async () => {
    const later = '2025-11-01T10:00:00Z';
    registry.entries = registry.entries.map((entry) => {
      if (entry.server.name === 'io.github.domdomegg/time-mcp-pypi') return { ...entry, _meta: { 'io.modelcontextprotocol.registry/official': { ...entry._meta['io.modelcontextprotocol.registry/official'], status: 'deleted', updatedAt: later, statusChangedAt: later } } };
      if (entry.server.name === 'io.modelcontextprotocol.anonymous/mcp-fs') return { ...entry, server: { ...entry.server, description: 'Moved to a new cloud' }, _meta: { 'io.modelcontextprotocol.registry/official': { ...entry._meta['io.modelcontextprotocol.registry/official'], updatedAt: later } } };
      return entry;
    });
    const before = registry.queries.length;
    const { body } = await hub.api('POST', '/api/peers/anthropic/sync');
    assert.equal(body.full, false);
    assert.equal(registry.queries[before]?.get('updated_since'), '2025-10-06T10:00:00.000Z');
    assert.deepEqual(body.changed.sort(), ['/anthropic/io.github.domdomegg/time-mcp-pypi', '/anthropic/io.modelcontextprotocol.anonymous/mcp-fs']);
    assert.deepEqual(body.orphaned, ['/anthropic/io.github.domdomegg/time-mcp-pypi']);
    assert.equal((await hub.api('GET', '/api/servers/anthropic/io.modelcontextprotocol.anonymous/mcp-fs')).body.description, 'Moved to a new cloud');
  });

  test('a named list of servers imports those only', async () => {
    assert.equal((await hub.api('PUT', '/api/peers/anthropic', { sync_mode: 'whitelist', whitelist_servers: ['io.github.domdomegg/time-mcp-nuget'] })).status, 200);
    const { body } = await hub.api('POST', '/api/federation/sync?source=anthropic');
    assert.equal(body.results[0].full, true);
    const items = (await hub.api('GET', '/api/peers/anthropic/items')).body.items as Array<{ path: string; orphaned: boolean }>;
    assert.deepEqual(items.filter((item) => !item.orphaned).map((item) => item.path), ['/anthropic/io.github.domdomegg/time-mcp-nuget']);
  });

  test('source=peers syncs the peer registries; agents and unknown sources are refused', async () => {
    const peers = await hub.api('POST', '/api/federation/sync?source=peers');
    assert.deepEqual(peers.body.results.map((result: { peer_id: string }) => result.peer_id), ['spoke']);
    assert.ok((await hub.paths()).includes('/spoke/tickets'));
    const agents = await hub.api('POST', '/api/v1/federation/sync?source=agents');
    assert.deepEqual([agents.status, agents.body.error.code], [501, 'REGISTRY_NOT_IMPLEMENTED']);
    assert.equal((await hub.api('POST', '/api/federation/sync?source=everything')).body.error.code, 'REGISTRY_INVALID_QUERY');
    const reader = await hub.mint.token('reader', ['readers']);
    assert.equal((await hub.api('POST', '/api/federation/sync?source=peers', undefined, reader)).status, 403);
  });
});
