import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { RunningServer } from '@mcpgw/lib/http/listen.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { formatTimeInZone, UnknownTimeZoneError } from '../../servers/src/currenttime/format-time-in-zone.js';
import { connectOver, textOf, TRANSPORT_KINDS } from './support/example-clients.js';

const STAMP = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT[+-]\d{2}:\d{2}/;

describe('formatTimeInZone', () => {
  const instant = new Date('2025-01-15T12:00:00Z');
  for (const [zone, expected] of [
    ['Europe/Paris', '2025-01-15 13:00:00 GMT+01:00'],
    ['Asia/Kolkata', '2025-01-15 17:30:00 GMT+05:30'],
    ['America/New_York', '2025-01-15 07:00:00 GMT-05:00'],
  ] as const) {
    test(`formats the instant in ${zone}`, () => {
      assert.equal(formatTimeInZone(instant, zone), expected);
    });
  }

  test('an unknown zone throws UnknownTimeZoneError', () => {
    assert.throws(() => formatTimeInZone(instant, 'Mars/Olympus_Mons'), (error: unknown) => {
      assert.ok(error instanceof UnknownTimeZoneError);
      assert.equal(error.code, 'SRV_UNKNOWN_TIME_ZONE');
      return true;
    });
  });
});

describe('currenttime server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startExampleServer('currenttime', { port: 0, logger: pino({ level: 'silent' }) });
  });
  after(() => server.close());

  for (const kind of TRANSPORT_KINDS) {
    describe(`over ${kind}`, () => {
      test('initializes and lists current_time_by_timezone with an optional tz_name', async () => {
        const client = await connectOver(kind, server.url);
        try {
          assert.equal(client.getServerVersion()?.name, 'currenttime');
          const { tools } = await client.listTools();
          assert.deepEqual(tools.map((tool) => tool.name), ['current_time_by_timezone']);
          const schema = tools[0]?.inputSchema as { properties?: Record<string, unknown>; required?: string[] };
          assert.ok(schema.properties && 'tz_name' in schema.properties);
          assert.ok(!(schema.required ?? []).includes('tz_name'));
        } finally {
          await client.close();
        }
      });

      test('answers the time in the zone asked for', async () => {
        const client = await connectOver(kind, server.url);
        try {
          const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Asia/Kolkata' } });
          assert.notEqual(result.isError, true);
          const text = textOf(result);
          assert.match(text, /Asia\/Kolkata/);
          assert.match(text, /GMT\+05:30/);
          assert.match(text, STAMP);
        } finally {
          await client.close();
        }
      });

      test('defaults to America/New_York', async () => {
        const client = await connectOver(kind, server.url);
        try {
          const text = textOf(await client.callTool({ name: 'current_time_by_timezone', arguments: {} }));
          assert.match(text, /America\/New_York/);
          assert.match(text, /GMT-0[45]:00/);
        } finally {
          await client.close();
        }
      });

      test('an unknown zone is a tool error result naming the zone', async () => {
        const client = await connectOver(kind, server.url);
        try {
          const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Mars/Olympus_Mons' } });
          assert.equal(result.isError, true);
          assert.match(textOf(result), /Mars\/Olympus_Mons/);
        } finally {
          await client.close();
        }
      });
    });
  }
});
