import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { postgresSkipReason } from '../support/postgres.js';
import { startFederatedRegistry, type FederatedRegistry } from './support/federated-registry.js';

const postgresSkip = await postgresSkipReason();

describe('hub and spoke', () => {
  let hub: FederatedRegistry;
  let lobA: FederatedRegistry;
  let lobB: FederatedRegistry;

  before(async () => {
    // The hub keeps its data on PostgreSQL when it is there, the spokes on SQLite: both backends federate.
    hub = await startFederatedRegistry('hub', postgresSkip === false ? { backend: 'postgres' } : {});
    lobA = await startFederatedRegistry('lob-a');
    lobB = await startFederatedRegistry('lob-b');
    await lobA.register('/weather', { tags: ['production'] });
    await lobA.register('/team/reports', { visibility: 'group-restricted', allowed_groups: ['finance'] });
    await lobB.register('/tickets');
    await lobB.register('/secret', { visibility: 'private' });
    await hub.register('/local-tool');
    await hub.addPeer('lob-a', lobA);
    await hub.addPeer('lob-b', lobB);
  });
  after(async () => {
    await Promise.all([hub?.close(), lobA?.close(), lobB?.close()]);
  });

  test('the hub pulls the public servers of every spoke to /{peer_id}/{path}, with provenance', async () => {
    const { status, body } = await hub.api('POST', '/api/peers/sync');
    assert.equal(status, 200);
    assert.deepEqual(body.results.map((r: { peer_id: string; ok: boolean }) => [r.peer_id, r.ok]), [['lob-a', true], ['lob-b', true]]);
    assert.deepEqual(await hub.paths(), ['/lob-a/weather', '/lob-b/tickets', '/local-tool']);
    const copy = (await hub.api('GET', '/api/servers/lob-a/weather')).body;
    assert.equal(copy.source, 'federated');
    assert.equal(copy.federated_from, 'lob-a');
    assert.deepEqual(copy.tags, ['production']);
    const items = (await hub.api('GET', '/api/peers/lob-a/items')).body.items;
    assert.deepEqual(items.map((item: { path: string; remote_path: string; orphaned: boolean }) => [item.path, item.remote_path, item.orphaned]), [
      ['/lob-a/weather', '/weather', false],
    ]);
    assert.match(items[0].synced_at, /^\d{4}-\d\d-\d\dT/);
  });

  test('status reports the sync, and the token is never shown', async () => {
    const { body: status } = await hub.api('GET', '/api/peers/lob-a/status');
    assert.equal(status.peer_id, 'lob-a');
    assert.equal(status.is_healthy, true);
    assert.equal(status.total_servers_synced, 1);
    assert.equal(status.total_agents_synced, 0);
    assert.equal(status.sync_in_progress, false);
    assert.equal(status.consecutive_failures, 0);
    assert.equal(status.current_generation, 1);
    assert.equal(typeof status.last_successful_sync, 'string');
    const peer = (await hub.api('GET', '/api/peers/lob-a')).body;
    assert.equal(peer.has_federation_token, true);
    const listing = JSON.stringify((await hub.api('GET', '/api/peers')).body);
    assert.equal(listing.includes(lobA.federationToken), false);
    assert.equal(Object.hasOwn(peer, 'federation_token'), false);
  });

  test('imported servers are read-only: edits answer 403 pointing at the source; deleting the copy works', async () => {
    for (const [method, path, body] of [
      ['PUT', '/api/servers/lob-b/tickets', { server_name: 'mine', proxy_pass_url: 'http://127.0.0.1:9/' }],
      ['PATCH', '/api/servers/lob-b/tickets', { description: 'mine now' }],
      ['POST', '/api/servers/lob-b/tickets/toggle', undefined],
    ] as const) {
      const answer = await hub.api(method, path, body);
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.equal(answer.body.error.code, 'REGISTRY_SERVER_FEDERATED');
      assert.match(answer.body.error.message, /change it at the source/);
    }
    assert.equal((await hub.api('DELETE', '/api/servers/lob-b/tickets')).status, 204);
    // The next full sync brings it back: the source still has it.
    assert.equal((await hub.sync('lob-b', true)).status, 200);
    assert.ok((await hub.paths()).includes('/lob-b/tickets'));
  });

  test('the hub re-exports none of its copies: a registry pulling from the hub gets only its own servers', async () => {
    const { body } = await hub.api('GET', '/api/federation/servers', undefined, hub.federationToken);
    assert.deepEqual(body.servers.map((s: { path: string }) => s.path), ['/local-tool']);
  });
});

describe('bidirectional and mesh', () => {
  let a: FederatedRegistry;
  let b: FederatedRegistry;
  let c: FederatedRegistry;

  before(async () => {
    [a, b, c] = await Promise.all([startFederatedRegistry('a'), startFederatedRegistry('b'), startFederatedRegistry('c')]);
    await a.register('/alpha');
    await b.register('/beta');
    await c.register('/gamma');
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  test('two registries share their servers both ways, and nothing comes back to where it started', async () => {
    await a.addPeer('b', b);
    await b.addPeer('a', a);
    for (let round = 0; round < 2; round += 1) {
      assert.equal((await a.sync('b')).status, 200);
      assert.equal((await b.sync('a')).status, 200);
    }
    assert.deepEqual(await a.paths(), ['/alpha', '/b/beta']);
    assert.deepEqual(await b.paths(), ['/a/alpha', '/beta']);
  });

  test('in a mesh each registry holds every other one\'s own servers once, never a copy of a copy', async () => {
    await a.addPeer('c', c);
    await b.addPeer('c', c);
    await c.addPeer('a', a);
    await c.addPeer('b', b);
    for (let round = 0; round < 2; round += 1) {
      for (const registry of [a, b, c]) assert.equal((await registry.api('POST', '/api/peers/sync')).status, 200);
    }
    assert.deepEqual(await a.paths(), ['/alpha', '/b/beta', '/c/gamma']);
    assert.deepEqual(await b.paths(), ['/a/alpha', '/beta', '/c/gamma']);
    assert.deepEqual(await c.paths(), ['/a/alpha', '/b/beta', '/gamma']);
  });
});
