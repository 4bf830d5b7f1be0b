import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadAgentCardValidators } from '../../registry/src/services/agents/agent-card-schemas.js';
import { createAgentService } from '../../registry/src/services/agents/agent-service.js';
import { openRegistryStore } from '../../registry/src/store/open-registry-store.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cardV10 } from './support/agent-cards.js';

const everyone = { groups: [], mayModify: () => false };

test('an agent that misses more heartbeats than allowed is stale and left out of discovery until it beats again', async (t) => {
  const temp = makeTempDir('mcpgw-agents-stale-');
  const store = await openRegistryStore({ dataDir: path.join(temp.dir, 'data') });
  t.after(async () => {
    await store.close();
    temp.remove();
  });
  let now = new Date('2026-05-01T10:00:00.000Z');
  const agents = createAgentService({
    agents: store.agents,
    ratings: store.ratings,
    validators: loadAgentCardValidators(),
    heartbeat: { intervalSeconds: 10, missedLimit: 3 },
    clock: () => now,
  });
  const input = (name: string) => ({
    path: `/agents/${name}`, card: cardV10(name, [{ id: 'plan' }]), tags: [], visibility: 'public' as const, allowed_groups: [], trust_level: 'unverified' as const, enabled: true,
  });
  await agents.register(input('beating'), 'ada');
  await agents.register(input('quiet'), 'ada');
  await agents.heartbeat('/agents/beating', 30);
  const discovered = async () => (await agents.discover({ skills: ['plan'], tags: [] }, everyone)).map(({ agent }) => [agent.path, agent.health.status]);
  assert.deepEqual(await discovered(), [['/agents/beating', 'healthy'], ['/agents/quiet', 'unknown']]);

  now = new Date('2026-05-01T10:00:30.000Z');
  assert.equal((await agents.get('/agents/beating')).health.status, 'healthy', 'three missed beats are still allowed');
  now = new Date('2026-05-01T10:00:30.001Z');
  assert.equal((await agents.get('/agents/beating')).health.status, 'stale');
  assert.deepEqual(await discovered(), [['/agents/quiet', 'unknown']]);
  assert.equal((await agents.listVisible(everyone)).length, 2, 'a stale agent is still listed, shown as stale');

  await agents.heartbeat('/agents/beating', null);
  assert.deepEqual(await discovered(), [['/agents/beating', 'healthy'], ['/agents/quiet', 'unknown']]);
});
