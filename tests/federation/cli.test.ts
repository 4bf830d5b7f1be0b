import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fernetDecrypt, fernetEncrypt, parseFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runMcpgw } from '../cli/support/run-mcpgw.js';
import { startFederatedRegistry, type FederatedRegistry } from './support/federated-registry.js';

test('mcpgw federation keygen prints a Fernet key that encrypts and decrypts', async () => {
  const run = await runMcpgw(['federation', 'keygen']);
  assert.equal(run.status, 0, run.stderr);
  const key = run.stdout.trim();
  assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
  const parsed = parseFernetKey(key);
  assert.equal(fernetDecrypt(parsed, fernetEncrypt(parsed, 'secret')), 'secret');
  assert.equal((await runMcpgw(['federation', 'rotate'])).status, 64);
  assert.match((await runMcpgw(['federation', '--help'])).stdout, /FEDERATION_ENCRYPTION_KEY/);
});

describe('mcpgw peer', () => {
  const temp = makeTempDir('mcpgw-cli-peer-');
  let hub: FederatedRegistry;
  let spoke: FederatedRegistry;
  let env: NodeJS.ProcessEnv;
  const peer = async (...args: string[]) => {
    const run = await runMcpgw(['peer', ...args], env);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
  };

  before(async () => {
    [hub, spoke] = await Promise.all([startFederatedRegistry('hub'), startFederatedRegistry('spoke')]);
    await spoke.register('/weather');
    env = { REGISTRY_URL: hub.url, MCPGW_TOKEN: hub.adminToken };
  });
  after(async () => {
    await Promise.all([hub.close(), spoke.close()]);
    temp.remove();
  });

  test('add, list, sync, status, items, update, disable and remove through the Peers API', async () => {
    const file = path.join(temp.dir, 'peer.json');
    writeFileSync(file, JSON.stringify({ peer_id: 'spoke', name: 'Spoke', endpoint: spoke.url, federation_token: spoke.federationToken, sync_interval_minutes: 0 }));
    assert.equal((await peer('add', file)).has_federation_token, true);
    assert.deepEqual((await peer('list')).peers.map((p: { peer_id: string }) => p.peer_id), ['spoke']);
    assert.deepEqual((await peer('sync', 'spoke', '--full')).changed, ['/spoke/weather']);
    assert.equal((await peer('status', 'spoke')).total_servers_synced, 1);
    assert.equal((await peer('items', 'spoke')).items[0].remote_path, '/weather');
    const update = path.join(temp.dir, 'update.json');
    writeFileSync(update, JSON.stringify({ name: 'Spoke registry' }));
    assert.equal((await peer('update', 'spoke', update)).name, 'Spoke registry');
    assert.equal((await peer('disable', 'spoke')).enabled, false);
    assert.deepEqual((await peer('sync-all')).results, []);
    assert.deepEqual(await peer('remove', 'spoke'), { removed: 'spoke' });
    const missing = await runMcpgw(['peer', 'get', 'spoke'], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /REGISTRY_PEER_NOT_FOUND/);
    const refused = await runMcpgw(['peer', 'list'], { ...env, MCPGW_TOKEN: 'nonsense' });
    assert.equal(refused.status, 2);
    assert.equal((await runMcpgw(['peer', 'get', 'Bad/Id'], env)).status, 64);
  });
});
