import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { loadRealm, mappersOf, realmClient, REALM_FILE, serviceAccountGroups } from './support/realm-import.js';

const scopes = yaml.load(readFileSync(new URL('../../config/scopes.yml', import.meta.url), 'utf8')) as { group_mappings: Record<string, string[]> };
const envExample = readFileSync(new URL('../../config/.env.example', import.meta.url), 'utf8');

describe('the Keycloak realm import (config/keycloak/mcp-gateway-realm.json)', () => {
  const realm = loadRealm();

  test('is the realm the gateway expects by default', () => {
    assert.equal(realm.realm, 'mcp-gateway');
  });

  test('has exactly the groups the default scopes.yml maps', () => {
    assert.deepEqual(realm.groups.map((group) => group.name).sort(), Object.keys(scopes.group_mappings).sort());
    for (const group of realm.groups) assert.equal(group.path, `/${group.name}`);
  });

  test('the web login client: confidential, authorization code with PKCE S256 only, back to the registry callback', () => {
    const web = realmClient(realm, 'mcp-gateway-web');
    assert.equal(web.publicClient, false);
    assert.equal(web.standardFlowEnabled, true);
    assert.equal(web.implicitFlowEnabled, false);
    assert.equal(web.directAccessGrantsEnabled, false);
    assert.equal(web.attributes?.['pkce.code.challenge.method'], 'S256');
    assert.deepEqual(web.redirectUris, ['${REGISTRY_PUBLIC_URL}/oauth2/callback/keycloak']);
  });

  test('the command-line client: public, PKCE and device code, loopback redirects only', () => {
    const cli = realmClient(realm, 'mcp-gateway-cli');
    assert.equal(cli.publicClient, true);
    assert.equal(cli.attributes?.['pkce.code.challenge.method'], 'S256');
    assert.equal(cli.attributes?.['oauth2.device.authorization.grant.enabled'], 'true');
    for (const uri of cli.redirectUris ?? []) assert.match(uri, /^http:\/\/(127\.0\.0\.1|localhost)\//);
  });

  test('the M2M client has only client credentials, and its service account is in a mapped group', () => {
    const m2m = realmClient(realm, 'mcp-gateway-m2m');
    assert.equal(m2m.serviceAccountsEnabled, true);
    assert.equal(m2m.standardFlowEnabled, false);
    assert.equal(m2m.directAccessGrantsEnabled, false);
    const groups = serviceAccountGroups(realm, 'mcp-gateway-m2m');
    assert.ok(groups.length > 0 && groups.every((group) => group in scopes.group_mappings), String(groups));
  });

  test('every token client gets the groups claim (group names, not paths) and the gateway audience', () => {
    for (const clientId of ['mcp-gateway-web', 'mcp-gateway-cli', 'mcp-gateway-m2m']) {
      const mappers = mappersOf(realm, realmClient(realm, clientId));
      const groups = mappers.find((mapper) => mapper.protocolMapper === 'oidc-group-membership-mapper');
      assert.ok(groups, `${clientId} has no group mapper`);
      assert.equal(groups.config['claim.name'], 'groups');
      assert.equal(groups.config['full.path'], 'false');
      assert.equal(groups.config['access.token.claim'], 'true');
      const audience = mappers.find((mapper) => mapper.protocolMapper === 'oidc-audience-mapper');
      assert.equal(audience?.config['included.custom.audience'], 'mcp-gateway', `${clientId} has no gateway audience`);
    }
  });

  test('the admin client may manage users, groups and clients, and nothing more', () => {
    const admin = realm.users.find((user) => user.serviceAccountClientId === 'mcp-gateway-admin');
    assert.deepEqual(admin?.clientRoles?.['realm-management']?.slice().sort(), ['manage-clients', 'manage-users', 'query-groups', 'view-clients', 'view-users']);
    assert.equal(realmClient(realm, 'mcp-gateway-admin').standardFlowEnabled, false);
  });

  test('an initial administrator in the admin group, whose password must be changed at first login', () => {
    const people = realm.users.filter((user) => user.serviceAccountClientId === undefined);
    assert.equal(people.length, 1);
    const [administrator] = people;
    assert.deepEqual(administrator?.groups, ['/mcp-registry-admin']);
    assert.deepEqual(administrator?.credentials, [{ type: 'password', value: '${KEYCLOAK_INITIAL_ADMIN_PASSWORD}', temporary: true }]);
  });

  test('holds no secret: every secret is a placeholder, and every placeholder is documented in .env.example', () => {
    for (const client of realm.clients.filter((candidate) => !candidate.publicClient)) {
      assert.match(client.secret ?? '', /^\$\{[A-Z0-9_]+\}$/, `${client.clientId} has a literal secret`);
    }
    const placeholders = new Set([...readFileSync(REALM_FILE, 'utf8').matchAll(/\$\{([A-Z0-9_]+)(?::[^}]*)?\}/g)].map((match) => match[1] as string));
    assert.ok(placeholders.size >= 5);
    for (const name of placeholders) assert.match(envExample, new RegExp(`^#? ?${name}=`, 'm'), `${name} is not in config/.env.example`);
  });
});
