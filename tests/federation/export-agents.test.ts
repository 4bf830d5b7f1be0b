import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { exportAgents } from '../../registry/src/federation/export-agents.js';
import type { AgentFields } from '../../registry/src/store/agent-repository.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const fields = (name: string, overrides: Partial<AgentFields> = {}): AgentFields => ({
  card: { name, description: `${name} agent`, version: '1.0.0' },
  cardVersion: '1.0',
  tags: ['travel'],
  visibility: 'public',
  allowedGroups: [],
  trustLevel: 'community',
  enabled: true,
  publishedBy: 'alice',
  ...overrides,
});

describe('the agents export: what leaves the registry, and increments by the agents change sequence', () => {
  const temp = makeTempDir('mcpgw-export-agents-');
  let store: RegistryStore;
  before(async () => {
    store = await openSqliteStore(path.join(temp.dir, 'data'));
    await store.agents.create('/agents/public', fields('Public'));
    await store.agents.create('/agents/finance', fields('Finance', { visibility: 'group-restricted', allowedGroups: ['finance'] }));
    await store.agents.create('/agents/secret', fields('Secret', { visibility: 'private' }));
  });
  after(async () => {
    await store.close();
    temp.remove();
  });

  test('a peer with the federation token gets public agents, with their cards and nothing about who published them', async () => {
    const page = await exportAgents(store.agents, [], 0, 100);
    assert.deepEqual(page.agents.map((agent) => (agent as { path: string }).path), ['/agents/public']);
    assert.equal(JSON.stringify(page).includes('alice'), false);
    assert.deepEqual(page.removed, []);
    assert.equal(page.has_more, false);
    assert.equal(page.next_since, await store.agents.latestSequence());
  });

  test('group-restricted agents go to callers of a matching group; private ones never', async () => {
    const page = await exportAgents(store.agents, ['finance'], 0, 100);
    assert.deepEqual(page.agents.map((agent) => (agent as { path: string }).path), ['/agents/public', '/agents/finance']);
  });

  test('an increment carries only what changed: deletions and agents made private are removed', async () => {
    const since = await store.agents.latestSequence();
    await store.agents.update('/agents/public', { tags: ['travel', 'flights'] });
    await store.agents.update('/agents/finance', { visibility: 'private', allowedGroups: [] });
    await store.agents.delete('/agents/secret');
    const page = await exportAgents(store.agents, ['finance'], since, 100);
    assert.deepEqual(page.agents.map((agent) => (agent as { tags: string[] }).tags), [['travel', 'flights']]);
    assert.deepEqual(page.removed.sort(), ['/agents/finance', '/agents/secret']);
    const paged = await exportAgents(store.agents, ['finance'], since, 1);
    assert.equal(paged.has_more, true);
    assert.ok(paged.next_since > since && paged.next_since < page.next_since);
  });

  test('a cursor past the latest change is refused, so the importer pulls everything again', async () => {
    await assert.rejects(exportAgents(store.agents, [], (await store.agents.latestSequence()) + 5, 10), /pull again from since=0/);
  });
});
