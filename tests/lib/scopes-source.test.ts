import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EventEmitter, once } from 'node:events';
import { pino } from 'pino';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { ScopesInvalidError } from '@mcpgw/lib/scopes/parse-scopes.js';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { makeTempDir } from '../support/temp-dir.js';

const silent = pino({ level: 'silent' });
const v1 = 'group_mappings:\n  g: [s1]\ns1:\n  - server: a\n    methods: [tools/list]\n';
const v2 = 'group_mappings:\n  g: [s2]\ns2:\n  - server: b\n    methods: [tools/list]\n';

describe('ScopesSource', () => {
  const temp = makeTempDir();
  after(() => temp.remove());

  test('refuses to start on an invalid file', () => {
    const file = path.join(temp.dir, 'bad.yml');
    writeFileSync(file, 'group_mappings: {g: [nowhere]}\n');
    assert.throws(() => new ScopesSource(file, silent), ScopesInvalidError);
  });

  test('reloads on change, ignores an invalid edit, keeps the last good policy', async () => {
    const file = path.join(temp.dir, 'scopes.yml');
    writeFileSync(file, v1);
    const source = new ScopesSource(file, silent).watch();
    try {
      assert.deepEqual(source.policy.groupScopes.get('g'), ['s1']);
      const changed = new EventEmitter();
      source.onChange(() => changed.emit('policy'));

      await writeFileAtomic(file, v2);
      await once(changed, 'policy');
      assert.deepEqual(source.policy.groupScopes.get('g'), ['s2']);

      writeFileSync(file, 'g: [this is: not: valid');
      assert.equal(source.reload(), false);
      assert.deepEqual(source.policy.groupScopes.get('g'), ['s2']);

      writeFileSync(file, v1);
      await once(changed, 'policy');
      assert.deepEqual(source.policy.groupScopes.get('g'), ['s1']);
    } finally {
      source.close();
    }
  });
});
