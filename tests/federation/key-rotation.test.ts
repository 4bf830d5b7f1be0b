import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fernetDecrypt, fernetEncrypt, generateFernetKey, parseFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { reencryptPeerTokens } from '../../registry/src/federation/reencrypt-peer-tokens.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { makeTempDir } from '../support/temp-dir.js';
import { settings } from './peer-repository-contract.js';
import { startFederatedRegistry } from './support/federated-registry.js';

test('re-encryption checks every token first, moves them all to the new key, and can run again', async (t) => {
  const temp = makeTempDir('mcpgw-rekey-');
  const store = await openSqliteStore(temp.dir);
  t.after(async () => {
    await store.close();
    temp.remove();
  });
  const [oldKey, newKey, otherKey] = [generateFernetKey(), generateFernetKey(), generateFernetKey()].map(parseFernetKey);
  assert.ok(oldKey && newKey && otherKey);
  await store.peers.create('lob-a', settings({ tokenCiphertext: fernetEncrypt(oldKey, 'token-a') }), 'api');
  await store.peers.create('lob-b', settings({ tokenCiphertext: fernetEncrypt(oldKey, 'token-b') }), 'api');
  await store.peers.create('lob-c', settings({ tokenCiphertext: null }), 'api');

  await assert.rejects(reencryptPeerTokens(store.peers, otherKey, newKey), /neither key; nothing was changed/);
  assert.equal(fernetDecrypt(oldKey, (await store.peers.get('lob-a'))?.tokenCiphertext ?? ''), 'token-a');

  assert.deepEqual(await reencryptPeerTokens(store.peers, oldKey, newKey), { reencrypted: ['lob-a', 'lob-b'], alreadyNew: [] });
  assert.equal(fernetDecrypt(newKey, (await store.peers.get('lob-b'))?.tokenCiphertext ?? ''), 'token-b');
  assert.deepEqual(await reencryptPeerTokens(store.peers, oldKey, newKey), { reencrypted: [], alreadyNew: ['lob-a', 'lob-b'] });
});

test('key rotation end to end: the script re-encrypts a stopped registry\'s peer tokens and it syncs under the new key', async (t) => {
  const temp = makeTempDir('mcpgw-rekey-');
  const dataDir = path.join(temp.dir, 'data');
  const [oldKey, newKey] = [generateFernetKey(), generateFernetKey()];
  const spoke = await startFederatedRegistry('spoke');
  t.after(async () => {
    await spoke.close();
    temp.remove();
  });
  await spoke.register('/weather');
  const before = await startFederatedRegistry('hub', { dataDir, encryptionKey: oldKey });
  await before.addPeer('spoke', spoke);
  await before.close();

  const run = spawnSync(process.execPath, ['--import', 'tsx', 'registry/src/rekey-peer-tokens.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, FEDERATION_ENCRYPTION_KEY: oldKey, FEDERATION_ENCRYPTION_KEY_NEW: newKey, DATABASE_URL: '' },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.split('\n')[0] ?? ''), { reencrypted: ['spoke'], alreadyNew: [] });

  const withOldKey = await startFederatedRegistry('hub', { dataDir, encryptionKey: oldKey });
  const refused = await withOldKey.sync('spoke');
  await withOldKey.close();
  assert.equal(refused.status, 502);
  assert.match(refused.body.error.message, /does not decrypt with FEDERATION_ENCRYPTION_KEY/);

  const after = await startFederatedRegistry('hub', { dataDir, encryptionKey: newKey });
  t.after(() => after.close());
  assert.equal((await after.sync('spoke')).status, 200);
  assert.deepEqual(await after.paths(), ['/spoke/weather']);
});
