import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../support/temp-dir.js';
import { ORIGINAL_SERVER_FILE } from '../registry/support/original-server-file.js';
import { startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { runMcpgw } from './support/run-mcpgw.js';

describe('mcpgw service', () => {
  const temp = makeTempDir('mcpgw-cli-service-');
  let registry: TestRegistry;
  let env: NodeJS.ProcessEnv;
  const file = (name: string, content: unknown): string => {
    const full = path.join(temp.dir, name);
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return full;
  };
  const service = (...args: string[]) => runMcpgw(['service', ...args], env);
  const json = (run: { status: number | null; stdout: string; stderr: string }) => {
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
  };

  before(async () => {
    registry = await startTestRegistry();
    env = { REGISTRY_URL: registry.url, MCPGW_TOKEN: await registry.token(['admins']) };
  });
  after(async () => {
    await registry.close();
    temp.remove();
  });

  test('add registers an original server file as it is, and get and list show it', async () => {
    const added = json(await service('add', file('sqlite.json', ORIGINAL_SERVER_FILE)));
    assert.equal(added.path, '/sqlite');
    assert.equal(added.server_name, 'SQLite MCP Server');
    assert.deepEqual(added.tool_list, ORIGINAL_SERVER_FILE.tool_list);
    assert.deepEqual(json(await service('get', '/sqlite/')), added);
    assert.deepEqual(json(await service('list')).servers, [added]);
    const stored = await registry.http().get('/api/servers/sqlite').set('authorization', `Bearer ${env.MCPGW_TOKEN}`).expect(200);
    assert.deepEqual(stored.body, added);
  });

  test('toggle flips, or sets with --enable / --disable', async () => {
    assert.equal(json(await service('toggle', 'sqlite')).enabled, false);
    assert.equal(json(await service('toggle', 'sqlite', '--enable')).enabled, true);
    assert.equal(json(await service('toggle', '/sqlite', '--disable')).enabled, false);
    const stored = await registry.http().get('/api/servers/sqlite').set('authorization', `Bearer ${env.MCPGW_TOKEN}`).expect(200);
    assert.equal(stored.body.enabled, false);
  });

  test('edit replaces the entry with a file', async () => {
    const edited = json(await service('edit', '/sqlite', file('edited.json', { ...ORIGINAL_SERVER_FILE, description: 'edited', timeout_seconds: 90 })));
    assert.equal(edited.description, 'edited');
    assert.equal(edited.timeout_seconds, 90);
    assert.equal(edited.enabled, true, 'a replacement without enabled means enabled');
    const moved = await service('edit', '/sqlite', file('moved.json', { ...ORIGINAL_SERVER_FILE, path: '/elsewhere' }));
    assert.equal(moved.status, 1);
    assert.match(moved.stderr, /REGISTRY_INVALID_SERVER/);
    assert.match(moved.stderr, /^ {2}path: /m, 'each problem is listed with its path');
  });

  test('remove deletes the server; a second remove fails with the registry\'s reason', async () => {
    assert.deepEqual(json(await service('remove', 'sqlite')), { removed: '/sqlite' });
    await registry.http().get('/api/servers/sqlite').set('authorization', `Bearer ${env.MCPGW_TOKEN}`).expect(404);
    const again = await service('remove', 'sqlite');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /\[CLI_REQUEST_FAILED\].*HTTP 404 REGISTRY_SERVER_NOT_FOUND/);
  });

  test('an invalid file is refused with every problem listed, and nothing is stored', async () => {
    const run = await service('add', file('bad.json', { server_name: '', path: '/bad', proxy_pass_url: 'ftp://x', colour: 'red' }));
    assert.equal(run.status, 1);
    for (const where of ['server_name', 'proxy_pass_url', 'colour']) assert.match(run.stderr, new RegExp(`^  ${where}: `, 'm'), where);
    await registry.http().get('/api/servers/bad').set('authorization', `Bearer ${env.MCPGW_TOKEN}`).expect(404);
  });

  test('a missing or unreadable file exits 66, a file that is not JSON exits 1', async () => {
    const missing = await service('add', path.join(temp.dir, 'nope.json'));
    assert.equal(missing.status, 66);
    assert.match(missing.stderr, /\[CLI_FILE_UNREADABLE\]/);
    const notJson = await service('add', file('not.json', '{ "server_name": '));
    assert.equal(notJson.status, 1);
    assert.match(notJson.stderr, /\[CLI_FILE_INVALID\]/);
  });

  test('--token overrides MCPGW_TOKEN; a refusal (401/403) exits 2', async () => {
    const reader = await registry.token(['readers']);
    const refused = await service('add', file('ok.json', { server_name: 'x', path: '/ok', proxy_pass_url: 'http://127.0.0.1:1/' }), '--token', reader);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /\[CLI_REFUSED\] refused: HTTP 403 REGISTRY_FORBIDDEN/);
    const anonymous = await runMcpgw(['service', 'list', '--url', registry.url]);
    assert.equal(anonymous.status, 2);
    assert.match(anonymous.stderr, /HTTP 401 AUTH_TOKEN_MISSING/);
    assert.equal(json(await service('list', '--token', reader)).servers.length, 0);
  });

  test('an unreachable registry exits 1; usage mistakes exit 64', async () => {
    const down = await runMcpgw(['service', 'list', '--url', 'http://127.0.0.1:1'], { MCPGW_TOKEN: 'x' });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /\[CLI_UNREACHABLE\]/);
    const mistakes = [['launch'], ['edit', '/x'], ['toggle', '/x', '--enable', '--disable'], ['get', '/x', '--enable'], ['list', '--url', 'ftp://x']];
    const runs = await Promise.all(mistakes.map((args) => service(...args)));
    runs.forEach((run, index) => assert.equal(run.status, 64, `${JSON.stringify(mistakes[index])}: ${run.stderr}`));
    const help = await service('--help');
    assert.equal(help.status, 0);
    assert.ok(help.stdout.startsWith('Usage: mcpgw service'));
  });
});
