import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openRegistryStore } from '../../registry/src/store/open-registry-store.js';
import type { AgentFields } from '../../registry/src/store/agent-repository.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import type { RepositoryOptions } from '../../registry/src/store/server-repository.js';
import { createTestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { registryBackends, type RegistryBackend } from '../registry/support/registry-backends.js';
import { cardV10 } from './support/agent-cards.js';

/** The agent and rating repositories' contract, run on every backend. */

function agentFields(name = 'Echo', overrides: Partial<AgentFields> = {}): AgentFields {
  return {
    card: cardV10(name),
    cardVersion: '1.0',
    tags: ['demo'],
    visibility: 'public',
    allowedGroups: [],
    trustLevel: 'unverified',
    enabled: true,
    publishedBy: 'ada',
    ...overrides,
  };
}

async function openStore(backend: RegistryBackend, options: RepositoryOptions = {}): Promise<{ store: RegistryStore; destroy(): Promise<void> }> {
  if (backend === 'sqlite') {
    const temp = makeTempDir('mcpgw-agents-store-');
    const store = await openRegistryStore({ dataDir: path.join(temp.dir, 'data'), ...options });
    return { store, destroy: async () => { await store.close(); temp.remove(); } };
  }
  const schema = await createTestSchema();
  const store = await openRegistryStore({ dataDir: '/nonexistent', database: { url: schema.url, schema: schema.schema }, ...options });
  return { store, destroy: async () => { await store.close(); await schema.drop(); } };
}

for (const { backend, skip } of await registryBackends()) {
  describe(`agent and rating repositories (${backend})`, { skip }, () => {
    const withStore = async (t: { after(fn: () => Promise<void>): void }, options: RepositoryOptions = {}) => {
      const opened = await openStore(backend, options);
      t.after(opened.destroy);
      return opened.store;
    };

    test('create, get, list, update keep the card exactly and count revisions and sequences', async (t) => {
      const clock = () => new Date('2026-01-02T03:04:05.000Z');
      const { agents } = await withStore(t, { clock });
      const card = { ...cardV10('Echo'), 'x-extra': { nested: [1, 'two', null] } };
      const created = await agents.create('/agents/echo', agentFields('Echo', { card }));
      assert.equal(created.revision, 1);
      assert.equal(created.sequence, 1);
      assert.equal(created.registeredAt, '2026-01-02T03:04:05.000Z');
      assert.deepEqual(await agents.get('/agents/echo'), created);
      assert.deepEqual((await agents.get('/agents/echo'))?.card, card);
      await agents.create('/agents/alpha', agentFields('Alpha', { visibility: 'group-restricted', allowedGroups: ['g1'], trustLevel: 'trusted', enabled: false }));
      assert.deepEqual((await agents.list()).map((agent) => agent.path), ['/agents/alpha', '/agents/echo']);
      const alpha = await agents.get('/agents/alpha');
      assert.deepEqual([alpha?.visibility, alpha?.allowedGroups, alpha?.trustLevel, alpha?.enabled], ['group-restricted', ['g1'], 'trusted', false]);

      const updated = await agents.update('/agents/echo', (current) => ({ tags: [...current.tags, 'more'] }));
      assert.equal(updated?.revision, 2);
      assert.equal(updated?.sequence, 3);
      assert.deepEqual(updated?.tags, ['demo', 'more']);
      assert.equal(await agents.update('/agents/none', { tags: [] }), undefined);
      assert.equal(await agents.latestSequence(), 3);
    });

    test('create refuses a live path with REGISTRY_AGENT_EXISTS; what a change function throws aborts the write', async (t) => {
      const { agents } = await withStore(t);
      await agents.create('/agents/echo', agentFields());
      await assert.rejects(agents.create('/agents/echo', agentFields()), { code: 'REGISTRY_AGENT_EXISTS' });
      await assert.rejects(
        agents.update('/agents/echo', () => {
          throw new Error('refused');
        }),
        /refused/,
      );
      await assert.rejects(agents.delete('/agents/echo', () => {
        throw new Error('not this one');
      }), /not this one/);
      assert.equal((await agents.get('/agents/echo'))?.revision, 1);
      assert.equal(await agents.latestSequence(), 1, 'aborted writes take no sequence number');
    });

    test('delete leaves a tombstone that listChangedSince reports; a new agent on the path continues its revisions', async (t) => {
      const { agents } = await withStore(t);
      await agents.create('/agents/a', agentFields('A'));
      await agents.create('/agents/b', agentFields('B'));
      await agents.update('/agents/a', { tags: ['x'] });
      assert.equal(await agents.delete('/agents/b'), true);
      assert.equal(await agents.delete('/agents/b'), false);
      assert.equal(await agents.get('/agents/b'), undefined);
      assert.deepEqual((await agents.list()).map((agent) => agent.path), ['/agents/a']);

      const changes = await agents.listChangedSince(0);
      assert.deepEqual(
        changes.map((change) => (change.kind === 'upsert' ? ['upsert', change.agent.path, change.agent.revision, change.agent.sequence] : ['delete', change.tombstone.path, change.tombstone.revision, change.tombstone.sequence])),
        [
          ['upsert', '/agents/a', 2, 3],
          ['delete', '/agents/b', 2, 4],
        ],
      );
      assert.deepEqual(await agents.listChangedSince(4), []);
      assert.equal((await agents.listChangedSince(0, 1)).length, 1);
      assert.equal(await agents.recordHeartbeat('/agents/b', new Date(), 5), false, 'no heartbeat for a tombstone');

      const back = await agents.create('/agents/b', agentFields('B again'));
      assert.equal(back.revision, 3);
      assert.equal(back.sequence, 5);
      const latest = await agents.listChangedSince(4);
      assert.equal(latest.length, 1);
      assert.equal(latest[0]?.kind, 'upsert');
    });

    test('two creates of one new path at once: one wins, the other gets REGISTRY_AGENT_EXISTS', async (t) => {
      const { agents } = await withStore(t);
      const results = await Promise.allSettled([agents.create('/agents/race', agentFields('One')), agents.create('/agents/race', agentFields('Two'))]);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      const refused = results.find((result) => result.status === 'rejected');
      assert.equal((refused as PromiseRejectedResult).reason.code, 'REGISTRY_AGENT_EXISTS');
      assert.equal((await agents.get('/agents/race'))?.revision, 1);
    });

    test('heartbeats change neither revision nor sequence', async (t) => {
      const { agents } = await withStore(t);
      await agents.create('/agents/a', agentFields());
      assert.equal(await agents.recordHeartbeat('/agents/a', new Date('2026-03-04T05:06:07.000Z'), 12.5), true);
      const beaten = await agents.get('/agents/a');
      assert.equal(beaten?.lastHeartbeatAt, '2026-03-04T05:06:07.000Z');
      assert.equal(beaten?.latencyMs, 12.5);
      assert.equal(beaten?.revision, 1);
      assert.equal(await agents.latestSequence(), 1);
    });

    test('ratings: one per user per item, re-rating replaces, summaries per kind', async (t) => {
      const { ratings } = await withStore(t);
      const target = { kind: 'agent' as const, path: '/agents/a' };
      assert.deepEqual(await ratings.summary(target), { average: null, count: 0 });
      await ratings.rate(target, 'ada', 5);
      await ratings.rate(target, 'bob', 2);
      await ratings.rate(target, 'ada', 3);
      await ratings.rate({ kind: 'server', path: '/agents/a' }, 'ada', 1);
      await ratings.rate({ kind: 'agent', path: '/agents/b' }, 'ada', 4);
      assert.deepEqual(await ratings.summary(target), { average: 2.5, count: 2 });
      assert.equal(await ratings.userRating(target, 'ada'), 3);
      assert.equal(await ratings.userRating(target, 'carol'), undefined);
      assert.deepEqual(Object.fromEntries(await ratings.summaries('agent')), { '/agents/a': { average: 2.5, count: 2 }, '/agents/b': { average: 4, count: 1 } });
      await ratings.removeAll(target);
      assert.deepEqual(await ratings.summary(target), { average: null, count: 0 });
      assert.deepEqual(await ratings.summary({ kind: 'server', path: '/agents/a' }), { average: 1, count: 1 });
      await assert.rejects(ratings.rate(target, 'ada', 6));
    });
  });
}
