import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { peerIdOf, readConfiguredPeers } from '../../registry/src/federation/configured-peers.js';
import { federationSettingsFromEnv } from '../../registry/src/federation/federation-settings.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startFederatedRegistry } from './support/federated-registry.js';

const TOKEN = 'a-federation-token-long-enough-0123456789';

describe('federation settings from the environment', () => {
  test('defaults: nothing exported, no key, checks every 60 s', () => {
    const settings = federationSettingsFromEnv({});
    assert.equal(settings.tokens.current, undefined);
    assert.equal(settings.encryptionKey, undefined);
    assert.equal(settings.checkIntervalMs, 60_000);
    assert.equal(settings.configFile, 'config/federation.json');
  });

  test('tokens, a previous token with its grace period, a key, time-out and retries', () => {
    const settings = federationSettingsFromEnv({
      FEDERATION_STATIC_TOKEN_AUTH_ENABLED: 'true',
      FEDERATION_STATIC_TOKEN: TOKEN,
      FEDERATION_STATIC_TOKEN_PREVIOUS: `${TOKEN}-old`,
      FEDERATION_STATIC_TOKEN_PREVIOUS_UNTIL: '2026-04-01T00:00:00Z',
      FEDERATION_ENCRYPTION_KEY: generateFernetKey(),
      FEDERATION_SYNC_TIMEOUT: '10s',
      FEDERATION_SYNC_RETRIES: '5',
    });
    assert.equal(settings.tokens.current, TOKEN);
    assert.equal(settings.tokens.previousUntil?.toISOString(), '2026-04-01T00:00:00.000Z');
    assert.ok(settings.encryptionKey);
    assert.deepEqual([settings.syncTimeoutMs, settings.retries], [10_000, 5]);
  });

  test('every problem is reported at once', () => {
    assert.throws(
      () =>
        federationSettingsFromEnv({
          FEDERATION_STATIC_TOKEN_AUTH_ENABLED: 'true',
          FEDERATION_STATIC_TOKEN_PREVIOUS: 'short',
          FEDERATION_ENCRYPTION_KEY: 'not-a-key',
          FEDERATION_SYNC_RETRIES: 'many',
        }),
      (error: Error) =>
        ['FEDERATION_STATIC_TOKEN ', 'FEDERATION_STATIC_TOKEN_PREVIOUS must', 'FEDERATION_STATIC_TOKEN_PREVIOUS_UNTIL', 'FEDERATION_ENCRYPTION_KEY:', 'FEDERATION_SYNC_RETRIES'].every((part) =>
          error.message.includes(part),
        ),
    );
  });
});

describe('peers declared in configuration', () => {
  test('config/federation.json names tokens by environment variable; MCP_FEDERATION_NODES adds base URLs', () => {
    const temp = makeTempDir('mcpgw-fed-config-');
    try {
      const file = path.join(temp.dir, 'federation.json');
      writeFileSync(file, JSON.stringify({ peers: [{ peer_id: 'lob-a', name: 'LOB A', endpoint: 'https://lob-a.example', sync_mode: 'tag_filter', tag_filters: ['shared'], federation_token_env: 'LOB_A_TOKEN' }] }));
      const peers = readConfiguredPeers(file, { LOB_A_TOKEN: TOKEN, MCP_FEDERATION_NODES: 'https://lob-b.example:8443, http://127.0.0.1:7861', MCP_FEDERATION_TOKEN: TOKEN });
      assert.deepEqual(peers.map((peer) => [peer.peer_id, peer.endpoint, peer.federation_token === TOKEN]), [
        ['lob-a', 'https://lob-a.example', true],
        ['lob-b-example-8443', 'https://lob-b.example:8443', true],
        ['127-0-0-1-7861', 'http://127.0.0.1:7861', true],
      ]);
      assert.deepEqual(readConfiguredPeers(path.join(temp.dir, 'absent.json'), {}), []);

      writeFileSync(file, JSON.stringify({ peers: [{ peer_id: 'lob-a', name: 'A', endpoint: 'https://a.example', federation_token: 'inline', federation_token_env: 'MISSING' }], extra: true }));
      assert.throws(() => readConfiguredPeers(file, { MCP_FEDERATION_NODES: 'ftp://x' }), (error: Error) => /extra|federation_token/.test(error.message) && /MCP_FEDERATION_NODES/.test(error.message));
      writeFileSync(file, '{ not json');
      assert.throws(() => readConfiguredPeers(file, {}), /not valid JSON/);
    } finally {
      temp.remove();
    }
    assert.equal(peerIdOf('https://Registry.Corp.com/'), 'registry-corp-com');
  });

  test('a registry stores declared peers at start-up, syncs them, and refuses API edits of them', async (t) => {
    const spoke = await startFederatedRegistry('spoke');
    await spoke.register('/weather');
    const temp = makeTempDir('mcpgw-fed-config-');
    const configFile = path.join(temp.dir, 'federation.json');
    process.env.SPOKE_FEDERATION_TOKEN = spoke.federationToken;
    writeFileSync(configFile, JSON.stringify({ peers: [{ peer_id: 'spoke', name: 'Spoke', endpoint: spoke.url, federation_token_env: 'SPOKE_FEDERATION_TOKEN' }] }));
    const hub = await startFederatedRegistry('hub', { configFile });
    t.after(async () => {
      await Promise.all([hub.close(), spoke.close()]);
      temp.remove();
    });
    const peer = (await hub.api('GET', '/api/peers/spoke')).body;
    assert.deepEqual([peer.origin, peer.has_federation_token], ['config', true]);
    assert.equal((await hub.sync('spoke')).status, 200);
    assert.deepEqual(await hub.paths(), ['/spoke/weather']);
    const edit = await hub.api('PUT', '/api/peers/spoke', { name: 'renamed' });
    assert.equal(edit.status, 409);
    assert.equal(edit.body.error.code, 'REGISTRY_PEER_CONFIG_MANAGED');
    assert.equal((await hub.api('DELETE', '/api/peers/spoke')).body.error.code, 'REGISTRY_PEER_CONFIG_MANAGED');
  });
});
