import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_SYNC_STATE, type PeerSettings, type SyncResult } from '../../registry/src/store/peer-repository.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { fields } from '../registry/server-repository-contract.js';

/** A fresh store for one test, and its removal. */
export interface StoreFixture {
  store: RegistryStore;
  destroy(): Promise<void>;
}

export function settings(overrides: Partial<PeerSettings> = {}): PeerSettings {
  return {
    kind: 'registry',
    name: 'LOB-A',
    endpoint: 'https://lob-a.example',
    enabled: true,
    syncIntervalMinutes: 30,
    filters: { syncMode: 'all', whitelistServers: [], whitelistAgents: [], tagFilters: [] },
    jwksUrl: null,
    tokenCiphertext: 'gAAAAAciphertext',
    tls: null,
    routeViaGateway: null,
    ...overrides,
  };
}

function syncOf(paths: string[], overrides: Partial<SyncResult> = {}): SyncResult {
  return {
    upserts: paths.map((path) => ({
      path: `/lob-a${path}`,
      remotePath: path,
      remoteRevision: 1,
      fields: fields({ source: 'federated', federatedFrom: 'lob-a' }),
    })),
    orphans: [],
    state: { ...INITIAL_SYNC_STATE, generation: 1, cursor: 7, lastSuccessfulSync: '2026-03-01T09:00:00.000Z' },
    syncedAt: '2026-03-01T09:00:00.000Z',
    ...overrides,
  };
}

/** The behaviour every PeerRepository backend must have. */
export function runPeerRepositoryContract(backend: string, open: () => Promise<StoreFixture>, options: { skip?: string | false } = {}): void {
  describe(`peer repository contract (${backend})`, { skip: options.skip ?? false }, () => {
    const withStore = async (t: { after(fn: () => Promise<void>): void }): Promise<RegistryStore> => {
      const fixture = await open();
      t.after(() => fixture.destroy());
      return fixture.store;
    };

    test('peers are created, read, listed, updated and deleted; ids are unique', async (t) => {
      const { peers } = await withStore(t);
      const created = await peers.create('lob-a', settings(), 'api');
      assert.deepEqual(created.state, INITIAL_SYNC_STATE);
      await peers.create('lob-0', settings({ name: 'zero' }), 'config');
      await assert.rejects(peers.create('lob-a', settings(), 'api'), { code: 'REGISTRY_PEER_EXISTS' });
      assert.deepEqual((await peers.list()).map((peer) => [peer.peerId, peer.origin]), [['lob-0', 'config'], ['lob-a', 'api']]);
      assert.deepEqual(await peers.get('lob-a'), created);
      const updated = await peers.update('lob-a', { enabled: false, filters: { ...settings().filters, syncMode: 'tag_filter', tagFilters: ['x'] } });
      assert.equal(updated?.enabled, false);
      assert.deepEqual((await peers.get('lob-a'))?.filters.tagFilters, ['x']);
      assert.equal(await peers.update('nobody', { enabled: true }), undefined);
      assert.equal(await peers.delete('lob-a'), true);
      assert.equal(await peers.delete('lob-a'), false);
      assert.equal(await peers.get('lob-a'), undefined);
    });

    test('a sync writes copies, counts them, bumps the routes version, and records the state', async (t) => {
      const { peers, servers } = await withStore(t);
      await peers.create('lob-a', settings(), 'api');
      const version = await servers.routesVersion();
      const applied = await peers.applySync('lob-a', syncOf(['/weather', '/tickets']));
      assert.deepEqual(applied, { conflicts: [], changed: ['/lob-a/weather', '/lob-a/tickets'] });
      assert.notEqual(await servers.routesVersion(), version);
      assert.equal((await servers.get('/lob-a/weather'))?.source, 'federated');
      const state = (await peers.get('lob-a'))?.state;
      assert.deepEqual([state?.generation, state?.cursor, state?.totalServersSynced], [1, 7, 2]);
      const again = await peers.applySync('lob-a', syncOf(['/weather', '/tickets']));
      assert.deepEqual(again.changed, [], 'same remote revisions: nothing rewritten');
      assert.deepEqual((await peers.importedItems('lob-a')).map((item) => [item.path, item.remotePath, item.orphaned]), [
        ['/lob-a/tickets', '/tickets', false],
        ['/lob-a/weather', '/weather', false],
      ]);
    });

    test('a path held by another server is a conflict and is left alone', async (t) => {
      const { peers, servers } = await withStore(t);
      await peers.create('lob-a', settings(), 'api');
      await servers.create('/lob-a/weather', fields({ description: 'local' }));
      const applied = await peers.applySync('lob-a', syncOf(['/weather']));
      assert.deepEqual(applied.conflicts, ['/lob-a/weather']);
      assert.equal((await servers.get('/lob-a/weather'))?.description, 'local');
    });

    test('orphans are disabled and come back with the next upsert; deleting the peer orphans the rest', async (t) => {
      const { peers, servers } = await withStore(t);
      await peers.create('lob-a', settings(), 'api');
      await peers.applySync('lob-a', syncOf(['/weather', '/tickets']));
      await peers.applySync('lob-a', syncOf([], { orphans: ['/lob-a/weather', '/somewhere-else'] }));
      assert.equal((await servers.get('/lob-a/weather'))?.enabled, false);
      assert.equal((await peers.get('lob-a'))?.state.totalServersSynced, 1);
      await peers.applySync('lob-a', syncOf(['/weather']));
      assert.equal((await servers.get('/lob-a/weather'))?.enabled, true);
      await peers.delete('lob-a');
      assert.deepEqual((await servers.list()).map((server) => [server.path, server.enabled]), [['/lob-a/tickets', false], ['/lob-a/weather', false]]);
      assert.deepEqual((await peers.importedItems('lob-a')).map((item) => item.orphaned), [true, true]);
      await servers.delete('/lob-a/tickets');
      assert.deepEqual((await peers.importedItems('lob-a')).map((item) => item.path), ['/lob-a/weather'], 'deleting a copy forgets it');
    });

    test('a sync that fails part-way applies nothing', async (t) => {
      const { peers, servers } = await withStore(t);
      await peers.create('lob-a', settings(), 'api');
      const broken = syncOf(['/good', '/bad']);
      const bad = broken.upserts[1];
      assert.ok(bad);
      bad.fields = { ...bad.fields, timeoutSeconds: 0 };
      await assert.rejects(peers.applySync('lob-a', broken));
      assert.deepEqual(await servers.list(), []);
      assert.deepEqual(await peers.importedItems('lob-a'), []);
      assert.equal((await peers.get('lob-a'))?.state.generation, 0);
    });

    test('failures are counted', async (t) => {
      const { peers } = await withStore(t);
      await peers.create('lob-a', settings(), 'api');
      await peers.recordFailure('lob-a', 'unreachable', '2026-03-01T09:00:00.000Z');
      await peers.recordFailure('lob-a', 'unreachable again', '2026-03-01T09:01:00.000Z');
      const state = (await peers.get('lob-a'))?.state;
      assert.deepEqual([state?.consecutiveFailures, state?.lastError, state?.lastAttempt], [2, 'unreachable again', '2026-03-01T09:01:00.000Z']);
    });

    test('the export feed lists changes in sequence order, with tombstones after a cursor', async (t) => {
      const { peers, servers } = await withStore(t);
      await servers.create('/b', fields());
      await servers.create('/a', fields());
      const all = await peers.exportChanges(0, 10);
      assert.deepEqual(all.map((change) => change.kind === 'server' && change.server.path), ['/b', '/a']);
      const mark = await peers.latestSequence();
      assert.equal(mark, all.at(-1)?.seq);
      await servers.update('/b', { description: 'changed' });
      await servers.delete('/a');
      const later = await peers.exportChanges(mark, 10);
      assert.deepEqual(later.map((change) => [change.kind, change.kind === 'server' ? change.server.path : change.path]), [['server', '/b'], ['removed', '/a']]);
      assert.deepEqual((await peers.exportChanges(0, 10)).map((change) => change.kind), ['server'], 'no tombstones from zero');
      assert.equal((await peers.exportChanges(mark, 1)).length, 1);
      await servers.create('/a', fields());
      assert.deepEqual((await peers.exportChanges(mark, 10)).map((change) => change.kind), ['server', 'server'], 'a server back at a path clears its tombstone');
    });
  });
}
