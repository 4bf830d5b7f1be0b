import { describe, test, afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { UsageRecord } from '@mcpgw/lib/telemetry/usage-contract.js';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { createTestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { registryBackends } from './support/registry-backends.js';

const CLOCK = () => new Date('2026-02-03T04:05:06.789Z');
const HOUR = 3_600_000;
const T0 = Date.parse('2026-02-03T10:00:00.000Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const ALL = { from: new Date(T0 - 48 * HOUR), to: new Date(T0 + 48 * HOUR) };

function record(overrides: Partial<UsageRecord>): UsageRecord {
  return { kind: 'tool', at: at(0), serverPath: '/a', tool: 'echo', clientId: 'cli', success: true, reason: null, durationMs: 10, ...overrides };
}

const RECORDS: UsageRecord[] = [
  record({ at: at(1000), durationMs: 10 }),
  record({ at: at(2000), durationMs: 30 }),
  record({ at: at(3000), durationMs: 50, success: false, reason: 'http_500' }),
  record({ at: at(HOUR + 5), serverPath: '/b', tool: 'add', clientId: 'other', durationMs: 5 }),
  record({ kind: 'auth', at: at(4000), tool: null, durationMs: null, success: false, reason: 'AUTH_TOKEN_EXPIRED' }),
  record({ kind: 'auth', at: at(5000), tool: null, durationMs: null, success: false, reason: 'AUTH_TOKEN_EXPIRED' }),
  record({ kind: 'auth', at: at(6000), serverPath: null, tool: null, clientId: null, durationMs: null, success: false, reason: null }),
  record({ kind: 'auth', at: at(7000), tool: null, durationMs: null }),
];

for (const { backend, skip } of await registryBackends()) {
  describe(`UsageRepository and AuditRepository contract: ${backend}`, { skip }, () => {
    let store: RegistryStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      if (backend === 'sqlite') {
        const temp = makeTempDir('mcpgw-usage-');
        store = await openSqliteStore(path.join(temp.dir, 'data'), { clock: CLOCK });
        cleanup = async () => temp.remove();
      } else {
        const schema = await createTestSchema();
        store = await openPostgresStore({ url: schema.url, schema: schema.schema }, { clock: CLOCK });
        cleanup = () => schema.drop();
      }
      await store.usage.append(RECORDS);
    });
    afterEach(async () => {
      try {
        await store.close();
      } finally {
        await cleanup();
      }
    });

    test('counts group records by kind, server, tool and client, with failures', async () => {
      const counts = await store.usage.counts(ALL);
      const find = (kind: string, serverPath: string | null, tool: string | null, clientId: string | null) =>
        counts.find((c) => c.kind === kind && c.serverPath === serverPath && c.tool === tool && c.clientId === clientId);
      assert.deepEqual(find('tool', '/a', 'echo', 'cli'), { kind: 'tool', serverPath: '/a', tool: 'echo', clientId: 'cli', count: 3, failures: 1 });
      assert.deepEqual(find('tool', '/b', 'add', 'other'), { kind: 'tool', serverPath: '/b', tool: 'add', clientId: 'other', count: 1, failures: 0 });
      assert.deepEqual(find('auth', '/a', null, 'cli'), { kind: 'auth', serverPath: '/a', tool: null, clientId: 'cli', count: 3, failures: 2 });
      assert.equal(counts.length, 4);
    });

    test('a range is half-open and filters by time', async () => {
      const firstHour = await store.usage.counts({ from: new Date(T0), to: new Date(T0 + HOUR) });
      assert.equal(firstHour.find((c) => c.serverPath === '/b'), undefined);
      assert.deepEqual(await store.usage.counts({ from: new Date(T0 + 1000), to: new Date(T0 + 1000) }), []);
      const edge = await store.usage.counts({ from: new Date(T0 + 1000), to: new Date(T0 + 2000) });
      assert.equal(edge.reduce((sum, c) => sum + c.count, 0), 1);
    });

    test('tool durations and auth failure reasons are read back', async () => {
      const durations = (await store.usage.toolDurations(ALL)).map((d) => `${d.serverPath} ${d.tool} ${d.durationMs}`).sort();
      assert.deepEqual(durations, ['/a echo 10', '/a echo 30', '/a echo 50', '/b add 5']);
      const reasons = (await store.usage.authFailures(ALL)).map((r) => `${r.serverPath} ${r.reason} ${r.count}`).sort();
      assert.deepEqual(reasons, ['/a AUTH_TOKEN_EXPIRED 2', 'null unknown 1']);
    });

    test('hourly and daily roll-ups sum the records of each bucket and can be recomputed', async () => {
      for (let run = 0; run < 2; run += 1) {
        await store.usage.rollUp('hour', ALL);
        await store.usage.rollUp('day', ALL);
      }
      const hourly = await store.usage.rollups('hour', ALL);
      const echo = hourly.find((r) => r.kind === 'tool' && r.tool === 'echo');
      assert.deepEqual(echo, {
        period: 'hour', bucketStart: new Date(T0).toISOString(), kind: 'tool', serverPath: '/a', tool: 'echo', clientId: 'cli',
        count: 3, failures: 1, durationSumMs: 90, durationMaxMs: 50,
      });
      assert.equal(hourly.find((r) => r.tool === 'add')?.bucketStart, new Date(T0 + HOUR).toISOString());
      const anonymous = hourly.find((r) => r.kind === 'auth' && r.serverPath === null);
      assert.deepEqual([anonymous?.clientId, anonymous?.count, anonymous?.durationMaxMs], [null, 1, null]);
      const daily = await store.usage.rollups('day', ALL);
      assert.equal(daily.find((r) => r.tool === 'echo')?.bucketStart, '2026-02-03T00:00:00.000Z');
      assert.equal(daily.reduce((sum, r) => sum + r.count, 0), RECORDS.length);
    });

    test('purge removes records and roll-ups older than the cut-off', async () => {
      await store.usage.rollUp('hour', ALL);
      assert.equal(await store.usage.purge(new Date(T0 + HOUR)), RECORDS.length - 1);
      const left = await store.usage.counts(ALL);
      assert.deepEqual(left.map((c) => c.serverPath), ['/b']);
      assert.deepEqual((await store.usage.rollups('hour', ALL)).map((r) => r.tool), ['add']);
    });

    test('audit entries keep who, what, when and the before and after, oldest first', async () => {
      const first = await store.audit.append({ actor: 'alice', action: 'server.register', target: '/a', before: null, after: { path: '/a', enabled: true } });
      const second = await store.audit.append({ actor: 'bob/ci', action: 'server.toggle', target: '/a', before: { enabled: true }, after: { enabled: false } });
      assert.deepEqual(first, { id: first.id, at: CLOCK().toISOString(), actor: 'alice', action: 'server.register', target: '/a', before: null, after: { path: '/a', enabled: true } });
      assert.ok(second.id > first.id);
      const listed = await store.audit.list({ from: new Date(CLOCK().getTime() - 1000), to: new Date(CLOCK().getTime() + 1000) });
      assert.deepEqual(listed, [first, second]);
      assert.deepEqual(await store.audit.list({ from: new Date(0), to: CLOCK() }), []);
    });
  });
}
