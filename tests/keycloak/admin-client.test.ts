import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeycloakAdminClient } from '@mcpgw/lib/keycloak/keycloak-admin-client.js';
import { KeycloakAdminError } from '@mcpgw/lib/keycloak/keycloak-admin-error.js';
import { keycloakAdminSettingsFromEnv, type KeycloakAdminSettings } from '@mcpgw/lib/keycloak/keycloak-admin-settings.js';
import { freePort } from '../support/free-port.js';
import { startKeycloakStandIn, type KeycloakStandIn } from './support/keycloak-stand-in.js';

const ADMIN = { clientId: 'mcp-gateway-admin', clientSecret: 'admin-client-secret' };
const code = (expected: KeycloakAdminError['code']) => (error: unknown) => error instanceof KeycloakAdminError && error.code === expected;

describe('Keycloak admin client (against a stand-in for the admin REST API; Keycloak itself cannot run here)', () => {
  let keycloak: KeycloakStandIn;
  let admin: KeycloakAdminClient;
  const settings = (overrides: Partial<KeycloakAdminSettings> = {}): KeycloakAdminSettings => ({
    baseUrl: keycloak.url,
    realm: 'mcp-gateway',
    credentials: { kind: 'client', ...ADMIN },
    timeoutMs: 5000,
    ...overrides,
  });

  before(async () => {
    keycloak = await startKeycloakStandIn({
      realm: 'mcp-gateway',
      groups: ['mcp-registry-admin', 'mcp-registry-user'],
      admin: ADMIN,
      master: { username: 'kcadmin', password: 'kc-admin-password' },
    });
    admin = new KeycloakAdminClient(settings());
  });
  after(() => keycloak.close());

  test('creates a person with a temporary password in groups, finds, lists and deletes them', async () => {
    const user = await admin.createUser({ username: 'Alice', email: 'alice@example.com', password: 'first-login-1', groups: ['mcp-registry-user'] });
    assert.equal(user.username, 'alice');
    assert.deepEqual(keycloak.users().find((u) => u.username === 'alice'), { username: 'alice', groups: ['mcp-registry-user'], temporaryPassword: true });
    assert.equal((await admin.findUser('alice'))?.id, user.id);
    assert.deepEqual((await admin.groupsOfUser(user.id)).map((group) => group.name), ['mcp-registry-user']);
    assert.ok((await admin.listUsers()).some((u) => u.username === 'alice'));
    await assert.rejects(admin.createUser({ username: 'alice', groups: [] }), code('KEYCLOAK_CONFLICT'));
    await admin.deleteUser('alice');
    assert.equal(await admin.findUser('alice'), undefined);
    await assert.rejects(admin.deleteUser('alice'), code('KEYCLOAK_NOT_FOUND'));
  });

  test('a person is not created in a group that does not exist, and nothing is left behind', async () => {
    await assert.rejects(admin.createUser({ username: 'bob', groups: ['no-such-group'] }), code('KEYCLOAK_NOT_FOUND'));
    assert.equal(keycloak.users().some((u) => u.username === 'bob'), false);
  });

  test('creates, lists and deletes groups; a duplicate is a conflict', async () => {
    const group = await admin.createGroup('data-science');
    assert.equal(group.name, 'data-science');
    assert.ok((await admin.listGroups()).some((g) => g.name === 'data-science'));
    await assert.rejects(admin.createGroup('data-science'), code('KEYCLOAK_CONFLICT'));
    await admin.deleteGroup('data-science');
    assert.equal(await admin.findGroup('data-science'), undefined);
  });

  test('an agent account is a client with a service account in its groups, and its secret', async () => {
    const account = await admin.createAgentAccount('travel-bot', ['mcp-registry-user']);
    assert.equal(account.clientId, 'agent-travel-bot');
    assert.ok(account.clientSecret.length >= 16);
    assert.deepEqual(keycloak.clients().find((c) => c.clientId === 'agent-travel-bot'), { clientId: 'agent-travel-bot', serviceAccountGroups: ['mcp-registry-user'] });
    assert.deepEqual((await admin.listAgentAccounts()).map((client) => client.clientId), ['agent-travel-bot']);
    await assert.rejects(admin.createAgentAccount('travel-bot', []), code('KEYCLOAK_CONFLICT'));
    await assert.rejects(admin.createAgentAccount('Bad Name!', []), code('KEYCLOAK_INVALID_REQUEST'));
    await admin.deleteAgentAccount('travel-bot');
    assert.deepEqual(await admin.listAgentAccounts(), []);
  });

  test('a revoked admin token is replaced once, transparently', async () => {
    await admin.listGroups();
    const before = keycloak.tokenRequests.get(ADMIN.clientId) ?? 0;
    keycloak.revokeAdminTokens();
    await admin.listGroups();
    assert.equal(keycloak.tokenRequests.get(ADMIN.clientId), before + 1);
  });

  test("Keycloak's administrator through the master realm works too", async () => {
    const master = new KeycloakAdminClient(settings({ credentials: { kind: 'administrator', username: 'kcadmin', password: 'kc-admin-password' } }));
    assert.ok((await master.listGroups()).some((g) => g.name === 'mcp-registry-admin'));
    const wrong = new KeycloakAdminClient(settings({ credentials: { kind: 'administrator', username: 'kcadmin', password: 'nope' } }));
    await assert.rejects(wrong.listGroups(), code('KEYCLOAK_REFUSED'));
  });

  test('a wrong client secret is refused, an unreachable Keycloak says so', async () => {
    const wrong = new KeycloakAdminClient(settings({ credentials: { kind: 'client', clientId: ADMIN.clientId, clientSecret: 'wrong' } }));
    await assert.rejects(wrong.listUsers(), code('KEYCLOAK_REFUSED'));
    const down = new KeycloakAdminClient(settings({ baseUrl: `http://127.0.0.1:${await freePort()}` }));
    await assert.rejects(down.listUsers(), code('KEYCLOAK_UNREACHABLE'));
  });

  test('settings come from the environment, and missing ones are named', () => {
    assert.deepEqual(
      keycloakAdminSettingsFromEnv({ KEYCLOAK_URL: 'http://kc:8080/', KEYCLOAK_ADMIN_CLIENT_SECRET: 's' }),
      { baseUrl: 'http://kc:8080', realm: 'mcp-gateway', credentials: { kind: 'client', clientId: 'mcp-gateway-admin', clientSecret: 's' }, timeoutMs: 10_000 },
    );
    assert.equal(keycloakAdminSettingsFromEnv({ KEYCLOAK_URL: 'http://kc:8080', KEYCLOAK_ADMIN: 'a', KEYCLOAK_ADMIN_PASSWORD: 'p' }).credentials.kind, 'administrator');
    assert.throws(() => keycloakAdminSettingsFromEnv({}), code('KEYCLOAK_NOT_CONFIGURED'));
    assert.throws(() => keycloakAdminSettingsFromEnv({ KEYCLOAK_URL: 'http://kc:8080' }), code('KEYCLOAK_NOT_CONFIGURED'));
  });
});
