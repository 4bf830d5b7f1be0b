import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDue } from '../../registry/src/federation/sync-scheduler.js';
import { INITIAL_SYNC_STATE } from '../../registry/src/store/peer-repository.js';
import { settings } from './peer-repository-contract.js';
import { startFederatedRegistry, testClock } from './support/federated-registry.js';

const MINUTE = 60_000;

test('the scheduler syncs each enabled peer whose interval has passed, logging the operators\' lines', async (t) => {
  const clock = testClock();
  const [hub, due, manual, off] = await Promise.all([
    startFederatedRegistry('hub', { clock }),
    startFederatedRegistry('due'),
    startFederatedRegistry('manual'),
    startFederatedRegistry('off'),
  ]);
  t.after(async () => {
    await Promise.all([hub.close(), due.close(), manual.close(), off.close()]);
  });
  await due.register('/one');
  await due.register('/two');
  await manual.register('/three');
  await off.register('/four');
  await hub.addPeer('lob-a', due, { sync_interval_minutes: 30 });
  await hub.addPeer('manual', manual, { sync_interval_minutes: 0 });
  await hub.addPeer('off', off, { sync_interval_minutes: 30, enabled: false });
  const { scheduler } = hub.federation();
  const scheduled = () => hub.logs.filter((line) => line.msg.startsWith('Scheduled sync')).map((line) => line.msg);

  await scheduler.tick();
  assert.deepEqual(scheduled(), ["Scheduled sync triggered for peer 'lob-a' (interval: 30m)", "Scheduled sync completed for peer 'lob-a': 2 servers, 0 agents"]);
  assert.deepEqual(await hub.paths(), ['/lob-a/one', '/lob-a/two']);

  clock.advance(29 * MINUTE);
  await due.register('/five');
  await scheduler.tick();
  assert.equal(scheduled().length, 2, 'not due before its interval');

  clock.advance(1 * MINUTE);
  await scheduler.tick();
  assert.equal(scheduled().length, 4);
  assert.equal(scheduled()[3], "Scheduled sync completed for peer 'lob-a': 3 servers, 0 agents");
  assert.equal((await hub.api('GET', '/api/peers/lob-a/status')).body.last_successful_sync, clock.now().toISOString());
});

test('a peer already syncing is skipped, a failing one is logged, and stop waits for the check in progress', async (t) => {
  const clock = testClock();
  const [hub, spoke] = await Promise.all([startFederatedRegistry('hub', { clock }), startFederatedRegistry('spoke')]);
  t.after(async () => {
    await Promise.all([hub.close(), spoke.close()]);
  });
  await spoke.register('/one');
  await hub.addPeer('spoke', spoke, { sync_interval_minutes: 5 });
  await hub.addPeer('gone', spoke, { sync_interval_minutes: 5, endpoint: 'http://127.0.0.1:9/' });
  const { scheduler, syncer } = hub.federation();

  const manual = syncer.sync('spoke');
  assert.equal(syncer.inProgress('spoke'), true);
  await scheduler.tick();
  await manual;
  const lines = hub.logs.filter((line) => line.msg.startsWith('Scheduled sync')).map((line) => line.msg);
  assert.equal(lines.some((line) => line.includes("'spoke'")), false, 'skipped while syncing');
  assert.equal(lines[0], "Scheduled sync triggered for peer 'gone' (interval: 5m)");
  assert.match(lines[1] ?? '', /^Scheduled sync failed for peer 'gone': /);

  scheduler.start();
  await scheduler.stop();
  assert.equal((await hub.api('GET', '/api/peers/gone/status')).body.consecutive_failures, 1);
});

test('isDue: interval, manual-only, disabled, syncing, and back-off after failures', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE).toISOString();
  const peer = (overrides: Record<string, unknown>, state: Partial<typeof INITIAL_SYNC_STATE> = {}) => ({
    ...settings({ syncIntervalMinutes: 30, ...overrides }),
    peerId: 'p',
    origin: 'api' as const,
    state: { ...INITIAL_SYNC_STATE, ...state },
    createdAt: ago(1000),
    updatedAt: ago(1000),
  });
  const cases: Array<[string, ReturnType<typeof peer>, boolean, boolean]> = [
    ['never synced', peer({}), false, true],
    ['synced 29 minutes ago', peer({}, { lastSuccessfulSync: ago(29) }), false, false],
    ['synced 30 minutes ago', peer({}, { lastSuccessfulSync: ago(30) }), false, true],
    ['manual only', peer({ syncIntervalMinutes: 0 }), false, false],
    ['disabled', peer({ enabled: false }), false, false],
    ['already syncing', peer({}), true, false],
    ['1 failure, tried 30 s ago', peer({}, { consecutiveFailures: 1, lastAttempt: ago(0.5) }), false, false],
    ['1 failure, tried 1 minute ago', peer({}, { consecutiveFailures: 1, lastAttempt: ago(1) }), false, true],
    ['4 failures, tried 7 minutes ago', peer({}, { consecutiveFailures: 4, lastAttempt: ago(7) }), false, false],
    ['4 failures, tried 8 minutes ago', peer({}, { consecutiveFailures: 4, lastAttempt: ago(8) }), false, true],
    ['40 failures: never longer than the interval', peer({}, { consecutiveFailures: 40, lastAttempt: ago(30) }), false, true],
  ];
  for (const [name, candidate, syncing, expected] of cases) assert.equal(isDue(candidate, now, syncing), expected, name);
});
