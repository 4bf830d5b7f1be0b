import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envDuration, EnvError } from '@mcpgw/lib/config/env.js';

describe('envDuration', () => {
  const table: Array<[string | undefined, number]> = [
    [undefined, 15_000],
    ['', 15_000],
    ['250ms', 250],
    ['15s', 15_000],
    ['15', 15_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 30S ', 30_000],
    ['0', 0],
  ];
  for (const [raw, expected] of table) {
    test(`${JSON.stringify(raw)} is ${expected} ms`, () => {
      assert.equal(envDuration('GATEWAY_SSE_KEEPALIVE', 15_000, raw === undefined ? {} : { GATEWAY_SSE_KEEPALIVE: raw }), expected);
    });
  }
  for (const raw of ['fast', '-5s', '1.5s', '10 minutes', '5d']) {
    test(`${JSON.stringify(raw)} is refused with CONFIG_INVALID_ENV`, () => {
      assert.throws(
        () => envDuration('GATEWAY_SSE_KEEPALIVE', 15_000, { GATEWAY_SSE_KEEPALIVE: raw }),
        (error: unknown) => error instanceof EnvError && error.code === 'CONFIG_INVALID_ENV',
      );
    });
  }
});
