import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { startStack } from '../support/stack.js';

const FEDERATION_TOKEN = 'shared-federation-token-of-the-partner-0123456789';

test('a partner\'s server is called through the partner\'s gateway with a token it issued, and its access control applies', async (t) => {
  process.env.FEDERATION_ENCRYPTION_KEY = generateFernetKey();
  process.env.FEDERATION_STATIC_TOKEN_AUTH_ENABLED = 'true';
  process.env.FEDERATION_STATIC_TOKEN = FEDERATION_TOKEN;
  const hub = await startStack();
  const partner = await startStack();
  t.after(async () => {
    await hub.close();
    await partner.close();
  });

  const added = await hub.registryApi('POST', '/api/peers', {
    peer_id: 'partner',
    name: 'Partner organisation',
    endpoint: partner.registry.url,
    federation_token: FEDERATION_TOKEN,
    jwks_url: `${partner.registry.url}/.well-known/jwks.json`,
    sync_mode: 'whitelist',
    whitelist_servers: ['/currenttime', '/notes'],
    route_via_gateway: partner.gateway.url,
  });
  assert.equal(added.status, 201, await added.clone().text());
  assert.equal((await hub.registryApi('POST', '/api/peers/partner/sync')).status, 200);
  const copy = (await (await hub.registryApi('GET', '/api/servers/partner/currenttime')).json()) as { proxy_pass_url: string; mcp_endpoint?: string };
  assert.equal(copy.proxy_pass_url, `${partner.gateway.url}/currenttime/`);
  assert.equal(copy.mcp_endpoint, undefined);
  await hub.waitForRoute('/partner/currenttime');

  // X-Authorization: the hub's own token for the hub's gateway; Authorization: the partner's token, passed on.
  const url = `${hub.gateway.url}/partner/currenttime/mcp`;
  const partnerAdmin = await partner.mint.token('visitor', ['mcp-registry-admin']);
  const client = await connectClient(url, partnerAdmin, { 'x-authorization': `Bearer ${hub.adminToken}` });
  t.after(() => client.close());
  const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Europe/Paris' } });
  assert.notEqual(result.isError, true);

  // The partner's scopes.yml decides: its restricted users may not call add_note on its notes server.
  await hub.waitForRoute('/partner/notes');
  const partnerUser = await partner.mint.token('visitor', ['mcp-registry-user']);
  const limited = await connectClient(`${hub.gateway.url}/partner/notes/mcp`, partnerUser, { 'x-authorization': `Bearer ${hub.adminToken}` });
  t.after(() => limited.close());
  assert.notEqual((await limited.callTool({ name: 'list_notes', arguments: {} })).isError, true);
  assert.equal(await httpStatusOfFailure(limited.callTool({ name: 'add_note', arguments: { title: 't', body: 'b' } })), 403);

  // A token the partner did not issue gets no further than the partner's gateway.
  assert.equal(await httpStatusOfFailure(connectClient(url, hub.adminToken, { 'x-authorization': `Bearer ${hub.adminToken}` })), 401);
});
