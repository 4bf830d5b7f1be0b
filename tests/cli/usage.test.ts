import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runMcpgw } from './support/run-mcpgw.js';

describe('mcpgw usage', () => {
  test('--help lists every command and exits 0', async () => {
    const run = await runMcpgw(['--help']);
    assert.equal(run.status, 0);
    for (const command of ['token', 'scopes validate', 'client ping', 'client list', 'client call']) {
      assert.ok(run.stdout.includes(command), `--help should list ${command}`);
    }
  });

  for (const [command, option] of [
    ['token', '--user'],
    ['scopes', 'validate'],
    ['client', '--url'],
  ] as const) {
    test(`${command} --help shows the command's options`, async () => {
      const run = await runMcpgw([command, '--help']);
      assert.equal(run.status, 0);
      assert.ok(run.stdout.startsWith(`Usage: mcpgw ${command}`));
      assert.ok(run.stdout.includes(option));
    });
  }

  for (const args of [[], ['launch'], ['--verbose'], ['client', 'list', '--url', 'http://127.0.0.1:1/mcp', '--colour']]) {
    test(`exits 64 for ${JSON.stringify(args)}`, async () => {
      const run = await runMcpgw(args);
      assert.equal(run.status, 64);
      assert.match(run.stderr, /\[CLI_USAGE\]/);
      assert.match(run.stderr, /mcpgw --help|mcpgw client --help/);
    });
  }
});
