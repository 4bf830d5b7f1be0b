import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalServerPath, InvalidServerPathError, scopeServerKey } from '@mcpgw/lib/paths/canonical-path.js';

describe('canonicalServerPath', () => {
  const same: Array<[string, string]> = [
    ['currenttime', '/currenttime'],
    ['/currenttime', '/currenttime'],
    ['/currenttime/', '/currenttime'],
    ['//currenttime//', '/currenttime'],
    ['team/weather', '/team/weather'],
    ['/a.b_c-d/0', '/a.b_c-d/0'],
  ];
  for (const [input, expected] of same) test(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(canonicalServerPath(input), expected));

  for (const bad of ['', '/', 'Upper', 'has space', '/a//b', '/a/../b', '/./a', 'a/..', 'semi;colon', 'pct%2f', 'ünï']) {
    test(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => canonicalServerPath(bad), (error: unknown) => error instanceof InvalidServerPathError && error.code === 'INVALID_SERVER_PATH');
    });
  }

  test('scopeServerKey drops the outer slashes only', () => {
    assert.equal(scopeServerKey('/team/weather/'), 'team/weather');
  });
});
