import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFederatedRegistry, type FederatedRegistry } from './support/federated-registry.js';
import { startPeerProxy, type PeerProxy } from './support/peer-proxy.js';

describe('sync', () => {
  let hub: FederatedRegistry;
  let spoke: FederatedRegistry;

  beforeEach(async () => {
    [hub, spoke] = await Promise.all([startFederatedRegistry('hub'), startFederatedRegistry('spoke')]);
    await spoke.register('/weather', { tags: ['production', 'shared'] });
    await spoke.register('/tickets', { tags: ['staging'] });
    await spoke.register('/docs', { tags: ['shared'] });
  });
  afterEach(async () => {
    await Promise.all([hub.close(), spoke.close()]);
  });

  const items = async (peerId = 'spoke') =>
    ((await hub.api('GET', `/api/peers/${peerId}/items`)).body.items as Array<{ path: string; orphaned: boolean }>).map((item) => [item.path, item.orphaned]);

  test('incremental: a second sync moves only what changed; a full resync on demand pulls everything', async () => {
    await hub.addPeer('spoke', spoke);
    const first = (await hub.sync('spoke')).body;
    assert.equal(first.full, true);
    assert.deepEqual(first.changed.sort(), ['/spoke/docs', '/spoke/tickets', '/spoke/weather']);
    assert.equal((await spoke.api('PATCH', '/api/servers/weather', { description: 'sunny' })).status, 200);
    const second = (await hub.sync('spoke')).body;
    assert.equal(second.full, false);
    assert.deepEqual(second.changed, ['/spoke/weather']);
    assert.equal((await hub.api('GET', '/api/servers/spoke/weather')).body.description, 'sunny');
    const third = (await hub.sync('spoke')).body;
    assert.deepEqual(third.changed, []);
    assert.equal(third.generation, 3);
    const full = (await hub.sync('spoke', true)).body;
    assert.equal(full.full, true);
    assert.deepEqual(full.changed, [], 'nothing differs, so nothing is rewritten');
    assert.equal(full.servers_synced, 3);
  });

  test('items gone at the source become orphans (disabled, shown, deletable) and come back when they reappear', async () => {
    await hub.addPeer('spoke', spoke);
    await hub.sync('spoke');
    assert.equal((await spoke.api('DELETE', '/api/servers/tickets')).status, 204);
    assert.equal((await spoke.api('PATCH', '/api/servers/docs', { visibility: 'private' })).status, 200);
    const outcome = (await hub.sync('spoke')).body;
    assert.deepEqual(outcome.orphaned.sort(), ['/spoke/docs', '/spoke/tickets']);
    assert.deepEqual(await items(), [['/spoke/docs', true], ['/spoke/tickets', true], ['/spoke/weather', false]]);
    assert.equal((await hub.api('GET', '/api/servers/spoke/tickets')).body.enabled, false);
    assert.equal((await hub.api('GET', '/api/peers/spoke/status')).body.total_servers_synced, 1);

    await spoke.register('/tickets');
    assert.equal((await spoke.api('PATCH', '/api/servers/docs', { visibility: 'public' })).status, 200);
    await hub.sync('spoke');
    assert.deepEqual(await items(), [['/spoke/docs', false], ['/spoke/tickets', false], ['/spoke/weather', false]]);
    assert.equal((await hub.api('GET', '/api/servers/spoke/tickets')).body.enabled, true);

    assert.equal((await spoke.api('DELETE', '/api/servers/docs')).status, 204);
    await hub.sync('spoke');
    assert.equal((await hub.api('DELETE', '/api/servers/spoke/docs')).status, 204, 'an orphan can be deleted');
    assert.deepEqual(await items(), [['/spoke/tickets', false], ['/spoke/weather', false]]);
  });

  test('a full resync orphans what the peer no longer lists, even without a tombstone', async () => {
    await hub.addPeer('spoke', spoke);
    await hub.sync('spoke');
    assert.equal((await spoke.api('PATCH', '/api/servers/weather', { visibility: 'private' })).status, 200);
    await hub.sync('spoke', true);
    assert.deepEqual(await items(), [['/spoke/docs', false], ['/spoke/tickets', false], ['/spoke/weather', true]]);
  });

  test('whitelist mode imports the listed servers only', async () => {
    await hub.addPeer('spoke', spoke, { sync_mode: 'whitelist', whitelist_servers: ['/weather', 'docs/'] });
    await hub.sync('spoke');
    assert.deepEqual(await hub.paths(), ['/spoke/docs', '/spoke/weather']);
  });

  test('tag_filter mode imports servers carrying one of the tags; changing the filter resyncs and orphans the rest', async () => {
    await hub.addPeer('spoke', spoke, { sync_mode: 'tag_filter', tag_filters: ['shared'] });
    await hub.sync('spoke');
    assert.deepEqual(await hub.paths(), ['/spoke/docs', '/spoke/weather']);
    assert.equal((await hub.api('PUT', '/api/peers/spoke', { tag_filters: ['production'] })).status, 200);
    const outcome = (await hub.sync('spoke')).body;
    assert.equal(outcome.full, true);
    assert.deepEqual(await items(), [['/spoke/docs', true], ['/spoke/weather', false]]);
  });

  test('deleting a peer orphans its items', async () => {
    await hub.addPeer('spoke', spoke);
    await hub.sync('spoke');
    assert.equal((await hub.api('DELETE', '/api/peers/spoke')).status, 204);
    assert.equal((await hub.api('GET', '/api/peers/spoke')).status, 404);
    const copies = (await hub.api('GET', '/api/servers')).body.servers as Array<{ path: string; enabled: boolean }>;
    assert.deepEqual(copies.map((s) => [s.path, s.enabled]), [['/spoke/docs', false], ['/spoke/tickets', false], ['/spoke/weather', false]]);
  });

  test('a wrong token fails the sync and counts a failure; putting the rotated token back in fixes it', async () => {
    await hub.addPeer('spoke', spoke, { federation_token: 'an-old-token-that-was-rotated-away-0123456789' });
    const failed = await hub.sync('spoke');
    assert.equal(failed.status, 502);
    assert.equal(failed.body.error.code, 'REGISTRY_PEER_SYNC_FAILED');
    assert.match(failed.body.error.message, /refused the federation token/);
    const status = (await hub.api('GET', '/api/peers/spoke/status')).body;
    assert.deepEqual([status.is_healthy, status.consecutive_failures, status.last_successful_sync], [false, 1, null]);
    assert.equal((await hub.api('PUT', '/api/peers/spoke', { federation_token: spoke.federationToken })).status, 200);
    assert.equal((await hub.sync('spoke')).status, 200);
    assert.equal((await hub.api('GET', '/api/peers/spoke/status')).body.consecutive_failures, 0);
  });

  test('peer entries are validated, and ids are unique', async () => {
    const bad = await hub.api('POST', '/api/peers', { peer_id: 'Bad Id', name: '', endpoint: 'ftp://x', sync_mode: 'some', extra: 1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'REGISTRY_INVALID_PEER');
    assert.deepEqual(bad.body.error.problems.map((p: { path: string }) => p.path).sort(), ['endpoint', 'extra', 'name', 'peer_id', 'sync_mode']);
    await hub.addPeer('spoke', spoke);
    const again = await hub.api('POST', '/api/peers', { peer_id: 'spoke', name: 'again', endpoint: spoke.url });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'REGISTRY_PEER_EXISTS');
    const reader = await hub.mint.token('reader', ['readers']);
    assert.equal((await hub.api('GET', '/api/peers', undefined, reader)).status, 200, 'list_service on all may read peers');
    const team = await hub.mint.token('team', ['team']);
    assert.equal((await hub.api('GET', '/api/peers', undefined, team)).status, 403, 'list_service on some servers may not');
    assert.equal((await hub.api('POST', '/api/peers/spoke/sync', undefined, reader)).status, 403);
    assert.equal((await hub.api('POST', '/api/peers/nobody/sync')).status, 404);
  });

  test('enable and disable', async () => {
    await hub.addPeer('spoke', spoke);
    assert.equal((await hub.api('POST', '/api/peers/spoke/disable')).body.enabled, false);
    assert.equal((await hub.api('POST', '/api/peers/spoke/enable')).body.enabled, true);
  });
});

describe('faults', () => {
  let hub: FederatedRegistry;
  let spoke: FederatedRegistry;
  let proxy: PeerProxy;

  before(async () => {
    [hub, spoke] = await Promise.all([startFederatedRegistry('hub', { retries: 0 }), startFederatedRegistry('spoke')]);
    for (const name of ['one', 'two', 'three', 'four']) await spoke.register(`/${name}`);
    proxy = await startPeerProxy(spoke.url);
    await hub.addPeer('spoke', spoke, { endpoint: proxy.url });
  });
  after(async () => {
    await Promise.all([hub.close(), spoke.close(), proxy.close()]);
  });

  test('a tampered export is refused and nothing is applied', async () => {
    proxy.behave(() => ({ alterBody: (body) => body.replace('http://127.0.0.1:8101/', 'http://127.0.0.1:6666/') }));
    const answer = await hub.sync('spoke');
    assert.equal(answer.status, 502);
    assert.match(answer.body.error.message, /signature verification/);
    assert.deepEqual(await hub.paths(), []);
  });

  test('a peer that goes down in the middle of a sync leaves the importer as it was', async () => {
    // One server a page, and the connection cut on the third page.
    const before = proxy.requests;
    proxy.behave((n) => (n - before === 3 ? { cut: true } : { rewrite: (url) => (url.searchParams.set('limit', '1'), url) }));
    const answer = await hub.sync('spoke');
    assert.equal(answer.status, 502);
    assert.match(answer.body.error.message, /cannot reach the peer/);
    assert.equal(proxy.requests - before, 3);
    assert.deepEqual(await hub.paths(), [], 'the two pages that arrived were not applied');
    assert.equal((await hub.api('GET', '/api/peers/spoke/status')).body.consecutive_failures, 2);

    const startAt = proxy.requests;
    proxy.behave(() => ({ rewrite: (url) => (url.searchParams.set('limit', '1'), url) }));
    const recovered = await hub.sync('spoke');
    assert.equal(recovered.status, 200);
    assert.equal(proxy.requests - startAt, 4, 'four pages of one server');
    assert.deepEqual(await hub.paths(), ['/spoke/four', '/spoke/one', '/spoke/three', '/spoke/two']);
    assert.equal((await hub.api('GET', '/api/peers/spoke/status')).body.consecutive_failures, 0);
  });
});

describe('a peer whose data was replaced', () => {
  test('answers 410 to the old cursor, and the importer falls back to a full pull', async (t) => {
    const [hub, spoke] = await Promise.all([startFederatedRegistry('hub'), startFederatedRegistry('spoke')]);
    const proxy = await startPeerProxy(spoke.url);
    t.after(async () => {
      await Promise.all([hub.close(), spoke.close(), proxy.close()]);
    });
    await spoke.register('/one');
    await hub.addPeer('spoke', spoke, { endpoint: proxy.url });
    await hub.sync('spoke');
    await spoke.register('/two');
    const start = proxy.requests;
    proxy.behave((n) => (n === start + 1 ? { rewrite: (url) => (url.searchParams.set('since', '99999999'), url) } : {}));
    const answer = await hub.sync('spoke');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.full, true);
    assert.deepEqual(await hub.paths(), ['/spoke/one', '/spoke/two']);
  });
});

describe('retries', () => {
  test('a peer failing with 5xx is retried with back-off and the sync succeeds', async (t) => {
    const [hub, spoke] = await Promise.all([startFederatedRegistry('hub', { retries: 2 }), startFederatedRegistry('spoke')]);
    const proxy = await startPeerProxy(spoke.url);
    t.after(async () => {
      await Promise.all([hub.close(), spoke.close(), proxy.close()]);
    });
    await spoke.register('/one');
    await hub.addPeer('spoke', spoke, { endpoint: proxy.url });
    proxy.behave((n) => (n <= 2 ? { status: 503 } : {}));
    const answer = await hub.sync('spoke');
    assert.equal(answer.status, 200);
    assert.equal(proxy.requests, 3);
    assert.deepEqual(await hub.paths(), ['/spoke/one']);
    assert.equal(hub.logs.filter((line) => /failed, retrying/.test(line.msg)).length, 2);
  });
});
