import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { startStack } from '../support/stack.js';
import { startFederatedRegistry } from './support/federated-registry.js';

test('an MCP tool call through the hub\'s gateway reaches a server that lives at a spoke, authorised by the hub\'s scopes.yml', async (t) => {
  // The hub is the whole stack; its registry reads federation settings from the environment.
  process.env.FEDERATION_ENCRYPTION_KEY = generateFernetKey();
  const hub = await startStack();
  const spoke = await startFederatedRegistry('spoke');
  t.after(async () => {
    await spoke.close();
    await hub.close();
  });
  // The spoke registers the time server (which runs in this test) under its own path.
  await spoke.register('/clock', { proxy_pass_url: `${hub.upstreams.currenttime.url}/`, tags: ['time'] });

  const added = await hub.registryApi('POST', '/api/peers', {
    peer_id: 'spoke',
    name: 'Spoke registry',
    endpoint: spoke.url,
    federation_token: spoke.federationToken,
    jwks_url: `${spoke.url}/.well-known/jwks.json`,
  });
  assert.equal(added.status, 201, await added.clone().text());
  const synced = await hub.registryApi('POST', '/api/peers/spoke/sync');
  assert.equal(synced.status, 200, await synced.clone().text());
  await hub.waitForRoute('/spoke/clock');

  const client = await connectClient(`${hub.gateway.url}/spoke/clock/mcp`, hub.adminToken);
  t.after(() => client.close());
  const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Asia/Tokyo' } });
  assert.notEqual(result.isError, true);
  assert.match((result.content as Array<{ text: string }>)[0]?.text ?? '', /\d{2}:\d{2}/);

  // The shipped scopes.yml gives mcp-registry-user tools on currenttime and notes only, not on the copy.
  const bob = await hub.mint.token('bob', ['mcp-registry-user']);
  assert.equal(await httpStatusOfFailure(connectClient(`${hub.gateway.url}/spoke/clock/mcp`, bob)), 403);

  // Gone at the spoke: orphaned at the hub, disabled, and the gateway stops routing to it.
  assert.equal((await spoke.api('DELETE', '/api/servers/clock')).status, 204);
  assert.equal((await hub.registryApi('POST', '/api/peers/spoke/sync')).status, 200);
  await hub.waitForRoute('/spoke/clock', (status) => status === 503 || status === 404);
});
