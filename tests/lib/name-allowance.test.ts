import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowanceItems, allowsName, nameAllowance, NO_NAMES } from '@mcpgw/lib/scopes/name-allowance.js';

describe('nameAllowance and allowsName', () => {
  const rows: Array<{ items: string[]; name: string; allowed: boolean; why: string }> = [
    { items: ['summarise'], name: 'summarise', allowed: true, why: 'exact name' },
    { items: ['summarise'], name: 'Summarise', allowed: false, why: 'case-sensitive' },
    { items: ['summarise'], name: 'summarise2', allowed: false, why: 'an exact name is no prefix' },
    { items: ['summarise'], name: '', allowed: false, why: 'an empty name matches no listed name' },
    { items: ['test://docs/*'], name: 'test://docs/a.md', allowed: true, why: 'prefix' },
    { items: ['test://docs/*'], name: 'test://docs/', allowed: true, why: 'the prefix itself' },
    { items: ['test://docs/*'], name: 'test://docs', allowed: false, why: 'shorter than the prefix' },
    { items: ['test://docs/*'], name: 'test://other/a.md', allowed: false, why: 'another prefix' },
    { items: ['file:///a', 'file:///b/*'], name: 'file:///b/c', allowed: true, why: 'one of several items' },
    { items: ['all'], name: 'anything', allowed: true, why: '`all` is everything' },
    { items: ['x', '*'], name: '', allowed: true, why: '`*` is everything, the empty name included' },
    { items: [], name: 'x', allowed: false, why: 'an empty list allows nothing' },
  ];
  for (const row of rows) {
    test(`${row.why}: ${JSON.stringify(row.items)} ${row.allowed ? 'allows' : 'refuses'} ${JSON.stringify(row.name)}`, () => {
      assert.equal(allowsName(nameAllowance(row.items), row.name), row.allowed);
    });
  }

  test('wildcards compile to `*`', () => {
    assert.equal(nameAllowance(['a', 'all']), '*');
    assert.equal(nameAllowance(['*']), '*');
  });

  test('NO_NAMES allows nothing', () => {
    assert.equal(allowsName(NO_NAMES, ''), false);
    assert.equal(allowsName(NO_NAMES, 'a'), false);
  });
});

describe('allowanceItems', () => {
  test('reads back into the same allowance', () => {
    const allowance = nameAllowance(['a', 'test://x/*', 'b', 'test://x/*']);
    assert.notEqual(allowance, '*');
    if (allowance === '*') return;
    const items = allowanceItems(allowance);
    assert.deepEqual(items.sort(), ['a', 'b', 'test://x/*']);
    assert.deepEqual(nameAllowance(items), allowance);
  });
});
