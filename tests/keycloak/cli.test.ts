import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { runMcpgw, type CliRun } from '../cli/support/run-mcpgw.js';
import { startKeycloakStandIn, type KeycloakStandIn } from './support/keycloak-stand-in.js';

const ADMIN = { clientId: 'mcp-gateway-admin', clientSecret: 'admin-client-secret' };
const DEFAULT_SCOPES = readFileSync(new URL('../../config/scopes.yml', import.meta.url), 'utf8');

describe('mcpgw user, group, agent-account and token --agent-id (Keycloak stand-in; Keycloak itself cannot run here)', () => {
  const temp = makeTempDir('mcpgw-keycloak-cli-');
  let keycloak: KeycloakStandIn;
  let shortLived: KeycloakStandIn;
  let registry: TestRegistry;
  let env: NodeJS.ProcessEnv;
  const mcpgw = (args: string[], extra: NodeJS.ProcessEnv = {}) => runMcpgw(args, { ...env, ...extra });
  const json = (run: CliRun) => {
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
  };
  const mappings = async () => (yaml.load(readFileSync(registry.scopesFile, 'utf8')) as { group_mappings: Record<string, string[]> }).group_mappings;

  before(async () => {
    const standIn = (tokenLifetime: number) =>
      startKeycloakStandIn({ realm: 'mcp-gateway', groups: ['mcp-registry-admin', 'mcp-registry-user'], admin: ADMIN, tokenLifetime });
    keycloak = await standIn(3600);
    shortLived = await standIn(30);
    registry = await startTestRegistry(DEFAULT_SCOPES);
    env = {
      KEYCLOAK_URL: keycloak.url,
      KEYCLOAK_REALM: 'mcp-gateway',
      KEYCLOAK_ADMIN_CLIENT_SECRET: ADMIN.clientSecret,
      MCPGW_CONFIG_DIR: path.join(temp.dir, 'config'),
      REGISTRY_URL: registry.url,
      MCPGW_TOKEN: await registry.token(['mcp-registry-admin']),
    };
  });
  after(async () => {
    await Promise.all([keycloak.close(), shortLived.close(), registry.close()]);
    temp.remove();
  });

  test('group create --scopes makes the group and maps it in scopes.yml in one step; delete --unmap undoes both', async () => {
    assert.deepEqual(json(await mcpgw(['group', 'create', 'data-team', '--scopes', 'mcp-servers-restricted/read'])).mapped_scopes, ['mcp-servers-restricted/read']);
    assert.ok(json(await mcpgw(['group', 'list'])).groups.some((group: { name: string }) => group.name === 'data-team'));
    assert.deepEqual((await mappings())['data-team'], ['mcp-servers-restricted/read']);
    json(await mcpgw(['group', 'delete', 'data-team', '--unmap']));
    assert.equal((await mappings())['data-team'], undefined);
    assert.equal(json(await mcpgw(['group', 'list'])).groups.some((group: { name: string }) => group.name === 'data-team'), false);
  });

  test('a mapping the registry refuses leaves no group behind', async () => {
    const reader = await registry.token(['mcp-registry-user']);
    const run = await mcpgw(['group', 'create', 'sneaky', '--scopes', 'mcp-servers-unrestricted/execute'], { MCPGW_TOKEN: reader });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /CLI_REFUSED/);
    assert.equal(json(await mcpgw(['group', 'list'])).groups.some((group: { name: string }) => group.name === 'sneaky'), false);
    assert.equal((await mappings()).sneaky, undefined);
  });

  test('user create takes the temporary password from the environment only; list shows groups; delete removes', async () => {
    const created = json(await mcpgw(['user', 'create', 'alice', '--email', 'alice@example.com', '--group', 'mcp-registry-user'], { MCPGW_NEW_USER_PASSWORD: 'change-me-1' }));
    assert.equal(created.temporary_password, true);
    assert.doesNotMatch(JSON.stringify(created), /change-me-1/);
    const listed = json(await mcpgw(['user', 'list'])).users.find((user: { username: string }) => user.username === 'alice');
    assert.deepEqual(listed.groups, ['mcp-registry-user']);
    const again = await mcpgw(['user', 'create', 'alice']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /KEYCLOAK_CONFLICT/);
    json(await mcpgw(['user', 'delete', 'alice']));
    assert.deepEqual(keycloak.users(), []);
  });

  test('agent-account create keeps the secret in a 0600 file and never prints it; token --agent-id reuses a token until it nears expiry', async () => {
    const created = json(await mcpgw(['agent-account', 'create', '--agent-id', 'travel-bot', '--group', 'mcp-registry-user']));
    assert.equal(created.client_id, 'agent-travel-bot');
    const file = created.credentials_file as string;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    assert.ok(stored.client_secret.length >= 16);
    assert.equal(JSON.stringify(created).includes(stored.client_secret), false);
    assert.deepEqual(keycloak.clients().find((client) => client.clientId === 'agent-travel-bot')?.serviceAccountGroups, ['mcp-registry-user']);

    const first = await mcpgw(['token', '--agent-id', 'travel-bot']);
    assert.equal(first.status, 0, first.stderr);
    const second = await mcpgw(['token', '--agent-id', 'travel-bot']);
    assert.equal(second.stdout, first.stdout);
    assert.equal(keycloak.tokenRequests.get('agent-travel-bot'), 1);
    const refreshed = await mcpgw(['token', '--agent-id', 'travel-bot', '--refresh']);
    assert.notEqual(refreshed.stdout, first.stdout);
    assert.equal(keycloak.tokenRequests.get('agent-travel-bot'), 2);
    assert.deepEqual(json(await mcpgw(['agent-account', 'list'])).agents, [{ client_id: 'agent-travel-bot', enabled: true }]);
  });

  test('a token with less than a minute to live is fetched again', async () => {
    const local = { KEYCLOAK_URL: shortLived.url, MCPGW_CONFIG_DIR: path.join(temp.dir, 'short') };
    json(await mcpgw(['agent-account', 'create', '--agent-id', 'brief'], local));
    const first = await mcpgw(['token', '--agent-id', 'brief'], local);
    const second = await mcpgw(['token', '--agent-id', 'brief'], local);
    assert.equal(second.status, 0, second.stderr);
    assert.notEqual(second.stdout, first.stdout);
    assert.equal(shortLived.tokenRequests.get('agent-brief'), 2);
  });

  test('mistakes say what to do', async () => {
    const unknownAgent = await mcpgw(['token', '--agent-id', 'nobody']);
    assert.equal(unknownAgent.status, 66);
    assert.match(unknownAgent.stderr, /agent-account create --agent-id nobody/);
    const noKeycloak = await mcpgw(['group', 'list'], { KEYCLOAK_URL: '' });
    assert.equal(noKeycloak.status, 64);
    assert.match(noKeycloak.stderr, /KEYCLOAK_URL/);
    const mixed = await mcpgw(['token', '--agent-id', 'x', '--user', 'y']);
    assert.equal(mixed.status, 64);
    const wrongSecret = await mcpgw(['user', 'list'], { KEYCLOAK_ADMIN_CLIENT_SECRET: 'wrong' });
    assert.equal(wrongSecret.status, 2);
    assert.match(wrongSecret.stderr, /KEYCLOAK_REFUSED/);
  });
});
