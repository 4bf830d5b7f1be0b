import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignNames, prefixOf, type MemberItem } from '../../gateway/src/virtual/virtual-names.js';

const items: MemberItem<null>[] = [
  { member: '/currenttime', original: 'now', item: null },
  { member: '/search', original: 'search', item: null },
  { member: '/team/docs', original: 'search', item: null },
];

describe('virtual server names', () => {
  test('the prefix is the server path with "/" as "." and odd characters as "_"', () => {
    assert.equal(prefixOf('/currenttime'), 'currenttime');
    assert.equal(prefixOf('/team/weather'), 'team.weather');
    assert.equal(prefixOf('/a b/ü'), 'a_b._');
  });

  test('always: every name is prefixed, so nothing collides', () => {
    const dropped: string[] = [];
    const named = assignNames(items, 'always', (item) => dropped.push(item.member));
    assert.deepEqual(named.map((item) => item.name), ['currenttime__now', 'search__search', 'team.docs__search']);
    assert.deepEqual(dropped, []);
  });

  test('collision: only names two members share are prefixed', () => {
    const named = assignNames(items, 'collision', () => assert.fail('nothing is dropped'));
    assert.deepEqual(named.map((item) => item.name), ['now', 'search__search', 'team.docs__search']);
  });

  test('never: the first member in path order keeps a shared name, the other is dropped and reported', () => {
    const dropped: string[] = [];
    const named = assignNames(items, 'never', (item, reason) => dropped.push(`${item.member}: ${reason}`));
    assert.deepEqual(named.map((item) => `${item.member} ${item.name}`), ['/currenttime now', '/search search']);
    assert.equal(dropped.length, 1);
    assert.match(dropped[0] ?? '', /^\/team\/docs: .*\/search already has the name "search"/);
  });
});
