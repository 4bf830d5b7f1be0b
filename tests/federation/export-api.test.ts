import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet } from 'jose';
import { SIGNATURE_HEADER, verifyExport } from '../../registry/src/federation/export-signature.js';
import { startFederatedRegistry, testClock, type FederatedRegistry } from './support/federated-registry.js';

describe('export API', () => {
  let exporter: FederatedRegistry;
  const previousToken = 'the-token-before-rotation-0123456789abcdefghij';
  const clock = testClock('2026-03-01T09:00:00.000Z');

  before(async () => {
    exporter = await startFederatedRegistry('exporter', { clock, tokens: { previous: previousToken, previousUntil: new Date('2026-03-02T00:00:00.000Z') } });
    await exporter.register('/open', { tags: ['shared'], metadata: { internal_owner: 'secret-team' }, tool_list: [{ name: 'now' }] });
    await exporter.register('/finance', { visibility: 'group-restricted', allowed_groups: ['finance'] });
    await exporter.register('/hidden', { visibility: 'private' });
  });
  after(() => exporter.close());

  const pull = (query = '', token = exporter.federationToken, base = '/api/federation') => exporter.api('GET', `${base}/servers${query}`, undefined, token);

  test('health needs no token and says whether federation is on', async () => {
    for (const base of ['/api/federation', '/api/v1/federation']) {
      const response = await fetch(`${exporter.url}${base}/health`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'healthy', federation_enabled: true, peer_count: 0 });
    }
  });

  test('servers and agents need the federation token or an API token', async () => {
    for (const path of ['/api/federation/servers', '/api/v1/federation/agents']) {
      const response = await fetch(`${exporter.url}${path}`);
      assert.equal(response.status, 401);
      const wrong = await fetch(`${exporter.url}${path}`, { headers: { authorization: 'Bearer not-the-federation-token-0123456789abcdef' } });
      assert.equal(wrong.status, 401);
    }
  });

  test('the federation token sees public local servers only, with listed fields and nothing internal', async () => {
    const { status, body } = await pull();
    assert.equal(status, 200);
    assert.deepEqual(body.servers.map((server: { path: string }) => server.path), ['/open']);
    const [open] = body.servers;
    assert.deepEqual(Object.keys(open).sort(), [
      'description', 'enabled', 'path', 'proxy_pass_url', 'revision', 'server_name', 'supported_transports', 'tags', 'tool_list', 'updated_at', 'visibility',
    ]);
    assert.equal(JSON.stringify(body).includes('secret-team'), false);
    assert.deepEqual(body.removed, []);
    assert.equal(body.has_more, false);
    const v1 = await pull('', exporter.federationToken, '/api/v1/federation');
    assert.deepEqual(v1.body.servers, body.servers);
  });

  test('an API caller sees the group-restricted servers of its groups, never private ones', async () => {
    const finance = await exporter.mint.token('fin-peer', ['readers', 'finance']);
    const other = await exporter.mint.token('other-peer', ['readers', 'sales']);
    assert.deepEqual((await pull('', finance)).body.servers.map((s: { path: string }) => s.path), ['/open', '/finance'], 'in change order');
    assert.deepEqual((await pull('', other)).body.servers.map((s: { path: string }) => s.path), ['/open']);
    const nobody = await exporter.mint.token('nobody', ['finance']);
    assert.equal((await pull('', nobody)).status, 403, 'an API caller needs list_service');
  });

  test('every answer is signed by the key at /.well-known/jwks.json, and an altered body fails verification', async () => {
    const response = await fetch(`${exporter.url}/api/federation/servers`, { headers: { authorization: `Bearer ${exporter.federationToken}` } });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const signature = response.headers.get(SIGNATURE_HEADER);
    const jwks = createLocalJWKSet((await (await fetch(`${exporter.url}/.well-known/jwks.json`)).json()) as { keys: [] });
    const keys = (header: any, token: any) => jwks(header, token);
    await verifyExport(bytes, signature, keys);
    const altered = new TextEncoder().encode(new TextDecoder().decode(bytes).replace('/open', '/opeN'));
    await assert.rejects(verifyExport(altered, signature, keys));
    await assert.rejects(verifyExport(bytes, null, keys), /not signed/);
  });

  test('pages follow the change sequence; since returns only later changes, deletions and hidden servers as removed', async () => {
    await exporter.register('/extra-a');
    await exporter.register('/extra-b');
    const first = await pull('?limit=2');
    assert.equal(first.body.has_more, true);
    const rest = await pull(`?since=${first.body.next_since}&limit=100`);
    assert.equal(rest.body.has_more, false);
    const all = [...first.body.servers, ...rest.body.servers].map((s: { path: string }) => s.path).sort();
    assert.deepEqual(all, ['/extra-a', '/extra-b', '/open']);

    const mark = rest.body.next_since;
    assert.deepEqual((await pull(`?since=${mark}`)).body, { servers: [], removed: [], since: mark, next_since: mark, has_more: false });
    assert.equal((await exporter.api('PATCH', '/api/servers/extra-a', { description: 'changed' })).status, 200);
    assert.equal((await exporter.api('DELETE', '/api/servers/extra-b')).status, 204);
    assert.equal((await exporter.api('PATCH', '/api/servers/open', { visibility: 'private' })).status, 200);
    const increment = await pull(`?since=${mark}`);
    assert.deepEqual(increment.body.servers.map((s: { path: string; description: string }) => [s.path, s.description]), [['/extra-a', 'changed']]);
    assert.deepEqual(increment.body.removed, ['/extra-b', '/open']);
    assert.ok(increment.body.next_since > mark);
    assert.equal((await exporter.api('PATCH', '/api/servers/open', { visibility: 'public' })).status, 200);
  });

  test('bad paging parameters are refused with a stable code', async () => {
    for (const query of ['?since=-1', '?since=abc', '?limit=0', '?limit=501']) {
      const { status, body } = await pull(query);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, 'REGISTRY_INVALID_QUERY');
    }
  });

  test('a cursor past the latest change answers 410, so the importer pulls everything again', async () => {
    const { status, body } = await pull('?since=99999999');
    assert.equal(status, 410);
    assert.equal(body.error.code, 'REGISTRY_FEDERATION_CURSOR_UNKNOWN');
  });

  test('the agents feed has its shape and is empty', async () => {
    const { status, body } = await exporter.api('GET', '/api/federation/agents', undefined, exporter.federationToken);
    assert.equal(status, 200);
    assert.deepEqual(body, { agents: [], removed: [], since: 0, next_since: 0, has_more: false });
  });

  test('token rotation: the previous token works until its grace period ends, the current one always', async () => {
    assert.equal((await pull('', previousToken)).status, 200);
    clock.advance(24 * 3600 * 1000);
    assert.equal((await pull('', previousToken)).status, 401);
    assert.equal((await pull('', exporter.federationToken)).status, 200);
  });
});
