import { describe, test } from 'node:test';
import { createServer } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';
import assert from 'node:assert/strict';
import { diffToolHashes, hashTool, hashTools } from '../../registry/src/discovery/hash-tools.js';
import { applyHysteresis, initialHealth, type HysteresisSettings } from '../../registry/src/health/apply-hysteresis.js';
import { checkServer } from '../../registry/src/health/check-server.js';
import { guardedFetch } from '../../registry/src/health/guarded-fetch.js';
import { scheduleHealthChecks, type Timers } from '../../registry/src/health/health-scheduler.js';
import { checkHealthSettings, healthSettingsFromEnv } from '../../registry/src/health/health-settings.js';
import { upstreamEndpoint } from '../../registry/src/health/upstream-url.js';
import { isWithheld } from '../../registry/src/health/withheld-routes.js';
import type { CheckOutcome } from '../../registry/src/health/check-server.js';
import { fields } from '../registry/server-repository-contract.js';
import { startServerEverything } from '../support/server-everything.js';
import { scanServer } from '../../registry/src/scan/scan-server.js';
import { TEST_SCAN_SETTINGS } from './support/health-registry.js';

describe('hysteresis', () => {
  const settings: HysteresisSettings = { failuresToWithdraw: 3, successesToRestore: 2 };
  const ok: CheckOutcome = { status: 'healthy', reason: null, latencyMs: 5 };
  const down: CheckOutcome = { status: 'unhealthy', reason: 'refused', latencyMs: null };
  const locked: CheckOutcome = { status: 'auth-expired', reason: 'HTTP 401', latencyMs: null };
  const at = new Date('2026-03-01T00:00:00.000Z');

  const table: Array<[string, CheckOutcome[], boolean[]]> = [
    ['a new server is routed and stays routed while healthy', [ok, ok, ok], [true, true, true]],
    ['withdrawn on the third consecutive failure', [down, down, down, down], [true, true, false, false]],
    ['a success between failures restarts the count', [down, down, ok, down, down], [true, true, true, true, true]],
    ['auth-expired counts as a failure', [locked, down, locked], [true, true, false]],
    ['restored on the second consecutive success', [down, down, down, ok, ok, ok], [true, true, false, false, true, true]],
    ['a failure between successes restarts the count', [down, down, down, ok, down, ok, ok], [true, true, false, false, false, false, true]],
  ];
  for (const [name, outcomes, expected] of table) {
    test(name, () => {
      let record = initialHealth('/s');
      const routed = outcomes.map((outcome) => (record = applyHysteresis(record, outcome, at, settings)).routed);
      assert.deepEqual(routed, expected);
      assert.equal(record.status, outcomes.at(-1)?.status);
      assert.equal(record.checkedAt, at.toISOString());
    });
  }

  test('withheld: withdrawn unless routed regardless; with blocking, also unscanned or blocked', () => {
    const healthy = initialHealth('/s');
    const withdrawn = { ...healthy, routed: false };
    const passed = { path: '/s', status: 'passed' as const, findings: [], scannedAt: '', blocked: false, overriddenBy: null, overriddenAt: null };
    assert.equal(isWithheld(undefined, undefined, false), false);
    assert.equal(isWithheld(withdrawn, passed, false), true);
    assert.equal(isWithheld({ ...withdrawn, routeRegardless: true }, passed, false), false);
    assert.equal(isWithheld(healthy, undefined, true), true);
    assert.equal(isWithheld(healthy, passed, true), false);
    assert.equal(isWithheld(healthy, { ...passed, status: 'failed', blocked: true }, true), true);
    assert.equal(isWithheld(healthy, { ...passed, status: 'failed', blocked: true }, false), false);
  });

  test('settings come from the environment and impossible ones are refused at once', () => {
    assert.deepEqual(healthSettingsFromEnv({}), { intervalMs: 60_000, timeoutMs: 10_000, failuresToWithdraw: 3, successesToRestore: 2, allowLinkLocal: false });
    const custom = healthSettingsFromEnv({ HEALTH_CHECK_INTERVAL_SECONDS: '5', HEALTH_FAILURES_TO_WITHDRAW: '1', UPSTREAM_ALLOW_LINK_LOCAL: 'true' });
    assert.deepEqual([custom.intervalMs, custom.failuresToWithdraw, custom.allowLinkLocal], [5000, 1, true]);
    assert.throws(() => healthSettingsFromEnv({ HEALTH_CHECK_INTERVAL_SECONDS: 'often' }), /HEALTH_CHECK_INTERVAL_SECONDS/);
    assert.throws(
      () => checkHealthSettings({ intervalMs: 0, timeoutMs: 0, failuresToWithdraw: 0, successesToRestore: 1, allowLinkLocal: false }),
      /HEALTH_CHECK_TIMEOUT_SECONDS.*HEALTH_FAILURES_TO_WITHDRAW/,
    );
  });
});

describe('tool hashes', () => {
  const tool = { name: 'add', description: 'Adds.', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } };

  test('the hash covers description and schemas, not key order or other fields', () => {
    const reordered = { inputSchema: { properties: { b: { type: 'number' }, a: { type: 'number' } }, type: 'object' }, description: 'Adds.', name: 'add', annotations: { title: 'x' } };
    assert.equal(hashTool(reordered), hashTool(tool));
    assert.notEqual(hashTool({ ...tool, description: 'Adds!' }), hashTool(tool));
    assert.notEqual(hashTool({ ...tool, inputSchema: { type: 'object' } }), hashTool(tool));
    assert.notEqual(hashTool({ ...tool, outputSchema: { type: 'object' } }), hashTool(tool));
    assert.deepEqual(Object.keys(hashTools([tool, { description: 'no name' }])), ['add']);
  });

  test('changes: added, removed and changed, by name', () => {
    assert.deepEqual(diffToolHashes({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' }), [
      { toolName: 'b', kind: 'changed', oldHash: '2', newHash: '9' },
      { toolName: 'c', kind: 'removed', oldHash: '3', newHash: null },
      { toolName: 'd', kind: 'added', oldHash: null, newHash: '4' },
    ]);
    assert.deepEqual(diffToolHashes({ a: '1' }, { a: '1' }), []);
  });
});

describe('upstream endpoints and the SSRF guard', () => {
  const server = (overrides: Partial<ReturnType<typeof fields>>) => ({ ...fields(), ...overrides });

  test('the MCP URL is built as the gateway forwards /<path>/mcp, unless an endpoint is configured', () => {
    assert.deepEqual(upstreamEndpoint(server({ proxyPassUrl: 'http://h:1/' })), { url: 'http://h:1/mcp', transport: 'streamable-http' });
    assert.deepEqual(upstreamEndpoint(server({ proxyPassUrl: 'http://h:1/base?k=v' })), { url: 'http://h:1/base/mcp?k=v', transport: 'streamable-http' });
    assert.deepEqual(upstreamEndpoint(server({ proxyPassUrl: 'http://h:1/base/', mcpEndpoint: '/custom/mcp' })), { url: 'http://h:1/custom/mcp', transport: 'streamable-http' });
    assert.deepEqual(upstreamEndpoint(server({ mcpEndpoint: 'https://other.example/x' })), { url: 'https://other.example/x', transport: 'streamable-http' });
    assert.deepEqual(upstreamEndpoint(server({ proxyPassUrl: 'http://h:1/', supportedTransports: ['sse'] })), { url: 'http://h:1/sse', transport: 'sse' });
    assert.deepEqual(upstreamEndpoint(server({ supportedTransports: ['sse'], sseEndpoint: '/events' })), { url: 'http://127.0.0.1:8101/events', transport: 'sse' });
    assert.deepEqual(upstreamEndpoint(server({ supportedTransports: ['sse', 'streamable-http'] })).transport, 'streamable-http');
  });

  test('link-local and metadata upstreams are refused before any connection unless allowed', async () => {
    for (const url of ['http://169.254.169.254/mcp', 'http://[fe80::1]/mcp', 'http://metadata.google.internal/mcp', 'http://0.0.0.0:9/mcp']) {
      await assert.rejects(guardedFetch(false)(url), { code: 'EUPSTREAMFORBIDDEN' }, url);
    }
    const outcome = await checkServer(
      { ...fields({ proxyPassUrl: 'http://169.254.169.254/' }), path: '/meta', revision: 1, registeredAt: '', updatedAt: '' },
      { timeoutMs: 2000, headers: {}, discover: false, allowLinkLocal: false },
    );
    assert.equal(outcome.status, 'unhealthy');
    assert.match(outcome.reason ?? '', /link-local or metadata/);
  });

  test('a redirect to another origin (the metadata service, say) is not followed', async (t) => {
    let metadataAsked = 0;
    const metadata = createServer((_request, response) => {
      metadataAsked += 1;
      response.end('{}');
    });
    const target = await listen(metadata, 0);
    t.after(() => target.close());
    const redirecting = await listen(createServer((_request, response) => response.writeHead(307, { location: `${target.url}/mcp` }).end()), 0);
    t.after(() => redirecting.close());
    const outcome = await checkServer(
      { ...fields({ proxyPassUrl: `${redirecting.url}/` }), path: '/moved', revision: 1, registeredAt: '', updatedAt: '' },
      { timeoutMs: 2000, headers: {}, discover: false, allowLinkLocal: false },
    );
    assert.equal(outcome.status, 'unhealthy');
    assert.equal(metadataAsked, 0);
  });
});

describe('the scheduler', () => {
  /** Timers the test fires by hand. */
  function manualTimers(): Timers & { fire(): void; pending(): number } {
    const waiting = new Map<NodeJS.Timeout, () => void>();
    let next = 0;
    return {
      setTimeout: (callback) => {
        const handle = { id: (next += 1), unref: () => undefined } as unknown as NodeJS.Timeout;
        waiting.set(handle, callback);
        return handle;
      },
      clearTimeout: (handle) => void waiting.delete(handle),
      fire: () => {
        const [entry] = waiting;
        if (!entry) throw new Error('no timer waiting');
        waiting.delete(entry[0]);
        entry[1]();
      },
      pending: () => waiting.size,
    };
  }

  test('rounds follow one another, never overlap, survive a failing round, and stop', async () => {
    const timers = manualTimers();
    const errors: unknown[] = [];
    let rounds = 0;
    let release: () => void = () => undefined;
    const scheduler = scheduleHealthChecks(
      () => {
        rounds += 1;
        if (rounds === 2) return Promise.reject(new Error('round failed'));
        return new Promise<void>((resolve) => (release = resolve));
      },
      1000,
      (error) => errors.push(error),
      timers,
    );
    assert.equal(rounds, 0, 'the first round waits one interval');
    timers.fire();
    assert.equal(rounds, 1);
    assert.equal(timers.pending(), 0, 'no next round while one runs');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    timers.fire();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(rounds, 2);
    assert.equal(errors.length, 1);
    assert.equal(timers.pending(), 1, 'a failed round is followed by the next');
    await scheduler.stop();
    assert.equal(timers.pending(), 0);
  });

  test('an interval of 0 schedules nothing', async () => {
    const timers = manualTimers();
    const scheduler = scheduleHealthChecks(() => Promise.resolve(), 0, () => undefined, timers);
    assert.equal(timers.pending(), 0);
    await scheduler.stop();
  });
});

describe('checks against the MCP reference server', () => {
  for (const transport of ['streamableHttp', 'sse'] as const) {
    test(`server-everything over ${transport} is healthy and lists its tools`, async (t) => {
      const everything = await startServerEverything(transport);
      t.after(() => everything.close());
      const server = {
        ...fields({ proxyPassUrl: `${everything.url}/`, supportedTransports: [transport === 'sse' ? 'sse' : 'streamable-http'] }),
        path: '/everything',
        revision: 1,
        registeredAt: '',
        updatedAt: '',
      };
      const outcome = await checkServer(server, { timeoutMs: 10_000, headers: {}, discover: true, allowLinkLocal: false });
      assert.equal(outcome.status, 'healthy', outcome.reason ?? '');
      assert.ok((outcome.capabilities?.tools.length ?? 0) > 3);
      assert.ok(outcome.capabilities?.tools.some((tool) => tool.name === 'echo'));
      assert.ok((outcome.capabilities?.resources.length ?? 0) > 0, 'resources followed across pages');
      assert.ok(outcome.capabilities);
      assert.deepEqual(await scanServer(server, outcome.capabilities, [], TEST_SCAN_SETTINGS), { status: 'passed', findings: [] }, 'the reference server passes its scan');
    });
  }
});


