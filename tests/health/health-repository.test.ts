import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { initialHealth } from '../../registry/src/health/apply-hysteresis.js';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import { TOOL_CHANGES_KEPT, type CapabilitiesRecord, type HealthRecord, type ScanRecord } from '../../registry/src/store/health-repository.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { createTestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { fields } from '../registry/server-repository-contract.js';
import { registryBackends } from '../registry/support/registry-backends.js';

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-01T10:05:00.000Z';

function capabilities(overrides: Partial<CapabilitiesRecord> = {}): CapabilitiesRecord {
  return {
    path: '/calc',
    tools: [{ name: 'add', description: 'Adds.', inputSchema: { type: 'object', properties: { b: { type: 'number' }, a: { type: 'number' } } } }],
    prompts: [{ name: 'explain' }],
    resources: [{ uri: 'calc://pi', name: 'pi' }],
    toolHashes: { add: 'sha256:1' },
    discoveredAt: T1,
    ...overrides,
  };
}

function scan(overrides: Partial<ScanRecord> = {}): ScanRecord {
  return {
    path: '/calc',
    status: 'failed',
    findings: [{ rule: 'concealed-tag', severity: 'high', target: 'tool:add', message: 'hidden' }],
    scannedAt: T1,
    blocked: true,
    overriddenBy: null,
    overriddenAt: null,
    ...overrides,
  };
}

for (const { backend, skip } of await registryBackends()) {
  describe(`HealthRepository contract: ${backend}`, { skip }, () => {
    let stores: RegistryStore[];
    let cleanup: () => Promise<void>;
    let open: () => Promise<RegistryStore>;

    beforeEach(async () => {
      stores = [];
      if (backend === 'sqlite') {
        const temp = makeTempDir('mcpgw-health-store-');
        open = () => openSqliteStore(path.join(temp.dir, 'data'));
        cleanup = async () => temp.remove();
      } else {
        const schema = await createTestSchema();
        open = () => openPostgresStore({ url: schema.url, schema: schema.schema });
        cleanup = () => schema.drop();
      }
      stores.push(await open());
    });
    afterEach(async () => {
      try {
        for (const store of stores) await store.close();
      } finally {
        await cleanup();
      }
    });
    const store = () => stores[0] as RegistryStore;
    const save = (record: HealthRecord) => store().health.updateHealth(record.path, () => record);

    test('health records are stored whole and read back, listed by path', async () => {
      assert.equal(await store().health.getHealth('/calc'), undefined);
      const record = { ...initialHealth('/calc'), status: 'unhealthy' as const, reason: 'refused', checkedAt: T1, latencyMs: null, consecutiveFailures: 1 };
      await save(record);
      await save({ ...initialHealth('/a'), status: 'healthy', checkedAt: T2, latencyMs: 12, consecutiveSuccesses: 3 });
      assert.deepEqual(await store().health.getHealth('/calc'), record);
      assert.deepEqual((await store().health.listHealth()).map((item) => item.path), ['/a', '/calc']);
      await save({ ...record, status: 'auth-expired', reason: 'HTTP 401', consecutiveFailures: 2 });
      assert.equal((await store().health.getHealth('/calc'))?.status, 'auth-expired');
    });

    test('the routes version changes when routing changes, and only then', async () => {
      const version = () => store().servers.routesVersion();
      const start = await version();
      const record = { ...initialHealth('/calc'), status: 'unhealthy' as const, checkedAt: T1, consecutiveFailures: 1 };
      await save(record);
      assert.equal(await version(), start, 'a routed server failing once changes no route');
      await save({ ...record, consecutiveFailures: 2, routed: false });
      const withdrawn = await version();
      assert.notEqual(withdrawn, start);
      await save({ ...record, consecutiveFailures: 3, routed: false });
      assert.equal(await version(), withdrawn);
      await save({ ...record, consecutiveFailures: 3, routed: false, routeRegardless: true });
      const regardless = await version();
      assert.notEqual(regardless, withdrawn);
      await store().health.saveScan(scan(), false);
      assert.equal(await version(), regardless);
      await store().health.saveScan(scan({ blocked: false, overriddenBy: 'admin', overriddenAt: T2 }), true);
      assert.notEqual(await version(), regardless);
    });

    test('capabilities and their tool changes are stored together; changes read newest first', async () => {
      assert.deepEqual(await store().health.saveCapabilities(capabilities(), []), []);
      assert.deepEqual(await store().health.getCapabilities('/calc'), capabilities());
      const next = capabilities({ toolHashes: { add: 'sha256:2', sub: 'sha256:3' }, discoveredAt: T2 });
      const stored = await store().health.saveCapabilities(next, [
        { toolName: 'add', kind: 'changed', oldHash: 'sha256:1', newHash: 'sha256:2' },
        { toolName: 'sub', kind: 'added', oldHash: null, newHash: 'sha256:3' },
      ]);
      assert.deepEqual(
        stored.map(({ id: _id, ...change }) => change),
        [
          { path: '/calc', toolName: 'add', kind: 'changed', oldHash: 'sha256:1', newHash: 'sha256:2', detectedAt: T2 },
          { path: '/calc', toolName: 'sub', kind: 'added', oldHash: null, newHash: 'sha256:3', detectedAt: T2 },
        ],
      );
      assert.ok((stored[1]?.id ?? 0) > (stored[0]?.id ?? 0));
      assert.deepEqual((await store().health.listToolChanges('/calc', 10)).map((change) => change.toolName), ['sub', 'add']);
      assert.deepEqual((await store().health.listToolChanges('/calc', 1)).map((change) => change.toolName), ['sub']);
      assert.deepEqual(await store().health.listToolChanges('/other', 10), []);
      assert.deepEqual(await store().health.getCapabilities('/calc'), next);
      assert.deepEqual((await store().health.listCapabilities()).map((item) => item.path), ['/calc']);
    });

    test('only the newest tool changes are kept', async () => {
      const many = Array.from({ length: TOOL_CHANGES_KEPT + 5 }, (_, index) => ({ toolName: `t${index}`, kind: 'added' as const, oldHash: null, newHash: `h${index}` }));
      await store().health.saveCapabilities(capabilities(), many);
      await store().health.saveCapabilities(capabilities({ path: '/other' }), many.slice(0, 3));
      const kept = await store().health.listToolChanges('/calc', TOOL_CHANGES_KEPT + 10);
      assert.equal(kept.length, TOOL_CHANGES_KEPT);
      assert.equal(kept[0]?.toolName, `t${TOOL_CHANGES_KEPT + 4}`);
      assert.equal(kept.at(-1)?.toolName, 't5');
      assert.equal((await store().health.listToolChanges('/other', 10)).length, 3);
    });

    test('scans are stored whole; forget removes everything about a server and nothing else', async () => {
      await store().health.saveScan(scan(), true);
      assert.deepEqual(await store().health.getScan('/calc'), scan());
      const overridden = scan({ blocked: false, overriddenBy: 'admin', overriddenAt: T2 });
      await store().health.saveScan(overridden, true);
      assert.deepEqual(await store().health.getScan('/calc'), overridden);
      await store().health.saveScan(scan({ path: '/keep', status: 'passed', findings: [], blocked: false }), false);
      await save(initialHealth('/calc'));
      await save(initialHealth('/keep'));
      await store().health.saveCapabilities(capabilities(), []);
      await store().health.saveCapabilities(capabilities(), [{ toolName: 'add', kind: 'changed', oldHash: 'a', newHash: 'b' }]);

      await store().health.forget('/calc');
      assert.equal(await store().health.getHealth('/calc'), undefined);
      assert.equal(await store().health.getCapabilities('/calc'), undefined);
      assert.equal(await store().health.getScan('/calc'), undefined);
      assert.deepEqual(await store().health.listToolChanges('/calc', 10), []);
      assert.deepEqual((await store().health.listScans()).map((item) => item.path), ['/keep']);
      assert.deepEqual((await store().health.listHealth()).map((item) => item.path), ['/keep']);
    });

    test('an update sees the stored record and answers it with the new one; concurrent updates lose nothing', async () => {
      const first = await store().health.updateHealth('/calc', (current) => {
        assert.equal(current, undefined);
        return { ...initialHealth('/ignored'), consecutiveFailures: 1 };
      });
      assert.equal(first.before, undefined);
      assert.equal(first.after.path, '/calc', 'the record is stored under the path asked for');
      const other = await open();
      stores.push(other);
      const bump = (repository: RegistryStore) =>
        repository.health.updateHealth('/calc', (current) => ({ ...(current ?? initialHealth('/calc')), consecutiveFailures: (current?.consecutiveFailures ?? 0) + 1 }));
      await Promise.all([bump(store()), bump(other), bump(store()), bump(other)]);
      assert.equal((await store().health.getHealth('/calc'))?.consecutiveFailures, 5);
    });

    test('another connection (a replica, a restart) reads what one wrote', async () => {
      await store().servers.create('/calc', fields());
      await save({ ...initialHealth('/calc'), routed: false, consecutiveFailures: 3 });
      const other = await open();
      stores.push(other);
      assert.equal((await other.health.getHealth('/calc'))?.routed, false);
      assert.equal(await other.servers.routesVersion(), await store().servers.routesVersion());
    });
  });
}
