import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { startKeycloakStandIn, type KeycloakStandIn } from './support/keycloak-stand-in.js';

const ADMIN = { clientId: 'mcp-gateway-admin', clientSecret: 'admin-client-secret' };
const DEFAULT_SCOPES = readFileSync(new URL('../../config/scopes.yml', import.meta.url), 'utf8');

describe('/api/idp: people, groups and agent accounts from the registry (Keycloak stand-in; Keycloak itself cannot run here)', () => {
  let keycloak: KeycloakStandIn;
  let registry: TestRegistry;
  let unconfigured: TestRegistry;
  let adminToken: string;
  const api = (method: 'get' | 'post' | 'delete', path: string, token = adminToken) => registry.http()[method](`/api/idp${path}`).set('authorization', `Bearer ${token}`);
  const mappings = () => (yaml.load(readFileSync(registry.scopesFile, 'utf8')) as { group_mappings: Record<string, string[]> }).group_mappings;

  before(async () => {
    keycloak = await startKeycloakStandIn({ realm: 'mcp-gateway', groups: ['mcp-registry-admin', 'mcp-registry-user'], admin: ADMIN });
    registry = await startTestRegistry(DEFAULT_SCOPES, {
      keycloakAdmin: { baseUrl: keycloak.url, realm: 'mcp-gateway', credentials: { kind: 'client', ...ADMIN }, timeoutMs: 5000 },
    });
    unconfigured = await startTestRegistry(DEFAULT_SCOPES);
    adminToken = await registry.token(['mcp-registry-admin']);
  });
  after(async () => {
    await Promise.all([registry.close(), unconfigured.close(), keycloak.close()]);
  });

  test('only callers granted manage_users get in; a token is required', async () => {
    const user = await registry.token(['mcp-registry-user']);
    const refused = await api('get', '/users', user).expect(403);
    assert.equal(refused.body.error.code, 'REGISTRY_FORBIDDEN');
    await registry.http().get('/api/idp/users').expect(401);
    assert.equal(keycloak.adminRequests.length, 0);
  });

  test('an administrator creates a person in a group, sees them listed, and deletes them', async () => {
    const created = await api('post', '/users').send({ username: 'carol', email: 'carol@example.com', groups: ['mcp-registry-user'], temporary_password: 'first-login-42' }).expect(201);
    assert.equal(created.body.username, 'carol');
    assert.doesNotMatch(JSON.stringify(created.body), /first-login-42/);
    const listed = await api('get', '/users').expect(200);
    assert.deepEqual(listed.body.users.find((u: { username: string }) => u.username === 'carol').groups, ['mcp-registry-user']);
    const duplicate = await api('post', '/users').send({ username: 'carol' }).expect(409);
    assert.equal(duplicate.body.error.code, 'REGISTRY_IDP_CONFLICT');
    await api('delete', '/users/carol').expect(204);
    assert.equal((await api('delete', '/users/carol').expect(404)).body.error.code, 'REGISTRY_IDP_NOT_FOUND');
  });

  test('a group made with scopes is mapped in scopes.yml in the same step; an invalid mapping leaves nothing behind', async () => {
    await api('post', '/groups').send({ name: 'analysts', scopes: ['mcp-servers-restricted/read'] }).expect(201);
    assert.deepEqual(mappings().analysts, ['mcp-servers-restricted/read']);
    const invalid = await api('post', '/groups').send({ name: 'broken', scopes: [''] }).expect(400);
    assert.ok(['REGISTRY_IDP_INVALID', 'REGISTRY_INVALID_SCOPES'].includes(invalid.body.error.code));
    assert.equal((await api('get', '/groups').expect(200)).body.groups.some((g: { name: string }) => g.name === 'broken'), false);
    await api('delete', '/groups/analysts?unmap=true').expect(204);
    assert.equal(mappings().analysts, undefined);
  });

  test("an agent account's secret is in the creation answer only, never cached", async () => {
    const created = await api('post', '/agent-accounts').send({ agent_id: 'builder', groups: ['mcp-registry-user'] }).expect(201);
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.equal(created.body.client_id, 'agent-builder');
    assert.ok(created.body.client_secret.length >= 16);
    const listed = await api('get', '/agent-accounts').expect(200);
    assert.deepEqual(listed.body.agents, [{ client_id: 'agent-builder', enabled: true }]);
    assert.doesNotMatch(JSON.stringify(listed.body), new RegExp(created.body.client_secret));
    await api('delete', '/agent-accounts/builder').expect(204);
  });

  test('bad bodies are refused with every problem named', async () => {
    const refused = await api('post', '/users').send({ username: '', surprise: true }).expect(400);
    assert.equal(refused.body.error.code, 'REGISTRY_IDP_INVALID');
    assert.deepEqual(refused.body.error.problems.map((p: { path: string }) => p.path).sort(), ['', 'username']);
  });

  test('without an admin API configured, the answer says how to configure one', async () => {
    const answer = await unconfigured.http().get('/api/idp/users').set('authorization', `Bearer ${await unconfigured.token(['mcp-registry-admin'])}`).expect(503);
    assert.equal(answer.body.error.code, 'REGISTRY_IDP_NOT_CONFIGURED');
    assert.match(answer.body.error.message, /KEYCLOAK_URL/);
  });
});
