import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { connectClient } from '../support/mcp-client.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { startStack, type Stack } from '../support/stack.js';
import { providersFromYaml } from '../identity/support/providers.js';
import { loadRealm, mappersOf, realmClient, serviceAccountGroups } from './support/realm-import.js';

/**
 * The OIDC side of the Keycloak profile: a real OpenID provider set up as the realm import sets up
 * Keycloak (realm path, the M2M client, the claims its mappers put in tokens), and the gateway
 * configured as .env.example configures it for the profile. Keycloak itself cannot run on this machine.
 */
describe('tokens shaped by the Keycloak realm import are accepted and mapped through the default scopes.yml', () => {
  const realm = loadRealm();
  let issuer: OidcIssuer;
  let stack: Stack;

  before(async () => {
    const m2m = realmClient(realm, 'mcp-gateway-m2m');
    const mappers = mappersOf(realm, m2m);
    const audience = mappers.find((mapper) => mapper.protocolMapper === 'oidc-audience-mapper')?.config['included.custom.audience'];
    const groupsClaim = mappers.find((mapper) => mapper.protocolMapper === 'oidc-group-membership-mapper')?.config['claim.name'];
    assert.ok(audience && groupsClaim);
    issuer = await startOidcIssuer({
      issuerPath: `/realms/${realm.realm}`,
      clients: [
        {
          clientId: m2m.clientId,
          clientSecret: 'm2m-secret-from-env',
          audience,
          claims: { azp: m2m.clientId, preferred_username: `service-account-${m2m.clientId}`, [groupsClaim]: serviceAccountGroups(realm, m2m.clientId) },
        },
      ],
    });
    const providers = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    issuer: ${issuer.issuer}
    jwks_uri: ${issuer.jwksUri}
    client_id: mcp-gateway-web
    audience: [${audience}]
`);
    stack = await startStack({ providers });
  });
  after(async () => {
    await stack?.close();
    await issuer?.close();
  });

  test('the M2M client reaches what its group allows, and only that', async () => {
    const token = await issuer.clientCredentials('mcp-gateway-m2m');
    assert.deepEqual(decodeJwt(token).groups, ['mcp-registry-user']);
    const time = await connectClient(`${stack.gateway.url}/currenttime/mcp`, token);
    try {
      const result = await time.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
      assert.notEqual(result.isError, true);
    } finally {
      await time.close();
    }
    const notes = await connectClient(`${stack.gateway.url}/notes/mcp`, token);
    try {
      assert.deepEqual((await notes.listTools()).tools.map((tool) => tool.name).sort(), ['get_note', 'list_notes']);
      await assert.rejects(notes.callTool({ name: 'add_note', arguments: { title: 't', body: 'b' } }));
    } finally {
      await notes.close();
    }
  });
});
