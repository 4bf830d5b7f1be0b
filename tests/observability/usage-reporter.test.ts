import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { pino } from 'pino';
import { listen } from '@mcpgw/lib/http/listen.js';
import { INTERNAL_TOKEN_HEADER } from '@mcpgw/lib/internal/internal-token.js';
import type { UsageBatch, UsageRecord } from '@mcpgw/lib/telemetry/usage-contract.js';
import { createUsageReporter } from '@mcpgw/lib/telemetry/usage-reporter.js';
import { freePort } from '../support/free-port.js';

const record = (tool: string): UsageRecord => ({ kind: 'tool', at: new Date().toISOString(), serverPath: '/s', tool, clientId: null, success: true, reason: null, durationMs: 1 });
const silent = pino({ level: 'silent' });

test('records are sent in batches with the internal token, and drops are reported with the next batch', async () => {
  const batches: Array<{ token: string | undefined; batch: UsageBatch }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      batches.push({ token: req.headers[INTERNAL_TOKEN_HEADER] as string | undefined, batch: JSON.parse(Buffer.concat(chunks).toString('utf8')) as UsageBatch });
      res.writeHead(204).end();
    });
  });
  const running = await listen(server, 0);
  let dropped = 0;
  const reporter = createUsageReporter({ registryUrl: running.url, internalToken: 'secret', logger: silent, maxQueue: 2, flushIntervalMs: 60_000, onDropped: (count) => (dropped += count) });
  try {
    reporter.report(record('a'));
    reporter.report(record('b'));
    reporter.report(record('c'));
    assert.equal(dropped, 1, 'the third record finds the queue full');
    await reporter.flush();
    assert.equal(batches.length, 1);
    assert.equal(batches[0]?.token, 'secret');
    assert.deepEqual(batches[0]?.batch.records.map((r) => r.tool), ['a', 'b']);
    assert.equal(batches[0]?.batch.dropped, 1);
    reporter.report(record('d'));
    await reporter.close();
    assert.deepEqual(batches[1]?.batch.records.map((r) => r.tool), ['d']);
    assert.equal(batches[1]?.batch.dropped, 0, 'a drop is reported once');
  } finally {
    await reporter.close();
    await running.close();
  }
});

test('a registry that cannot be reached costs the records, counted, and nothing else', async () => {
  let dropped = 0;
  const reporter = createUsageReporter({ registryUrl: `http://127.0.0.1:${await freePort()}`, internalToken: 'secret', logger: silent, flushIntervalMs: 60_000, onDropped: (count) => (dropped += count) });
  reporter.report(record('a'));
  reporter.report(record('b'));
  await reporter.close();
  assert.equal(dropped, 2);
});
