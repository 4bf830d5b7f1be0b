import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectClient } from '../support/mcp-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runMcpgw } from './support/run-mcpgw.js';

interface McpServersFile {
  mcpServers: Record<string, { type?: string; url: string; headers: Record<string, string> }>;
}

describe('mcpgw config', () => {
  const temp = makeTempDir('mcpgw-config-');
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
    temp.remove();
  });

  test('the written Claude Code config, with a token from mcpgw token, reaches the server through the gateway', async () => {
    const token = await runMcpgw(['token', '--user', 'dev', '--groups', 'mcp-registry-user'], { DATA_DIR: stack.dataDir });
    assert.equal(token.status, 0, token.stderr);
    const file = path.join(temp.dir, 'project', '.mcp.json');
    const run = await runMcpgw(['config', 'claude', '--server', '/currenttime', '--gateway', stack.gateway.url, '--token', token.stdout.trim(), '--write', '--file', file]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'a file with a token is its owner\'s only');
    const entry = (JSON.parse(readFileSync(file, 'utf8')) as McpServersFile).mcpServers.currenttime;
    assert.ok(entry);
    assert.equal(entry.type, 'http');
    assert.equal(entry.url, `${stack.gateway.url}/currenttime/mcp`);
    const client = await connectClient(entry.url, undefined, entry.headers);
    try {
      const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
      assert.notEqual(result.isError, true);
    } finally {
      await client.close();
    }
  });

  test('--write merges into the file: other servers and keys stay, the same server is replaced', async () => {
    const file = path.join(temp.dir, 'cursor.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { other: { url: 'https://elsewhere/mcp' }, notes: { url: 'old' } }, keep: true }));
    const run = await runMcpgw(['config', 'cursor', '--server', 'notes', '--gateway', 'https://gw.example.com', '--write', '--file', file]);
    assert.equal(run.status, 0, run.stderr);
    const written = JSON.parse(readFileSync(file, 'utf8')) as McpServersFile & { keep: boolean };
    assert.equal(written.keep, true);
    assert.deepEqual(written.mcpServers.other, { url: 'https://elsewhere/mcp' });
    assert.deepEqual(written.mcpServers.notes, { url: 'https://gw.example.com/notes/mcp', headers: { Authorization: 'Bearer ${env:MCPGW_TOKEN}' } });
  });

  test('without a token, VS Code prompts for one and Claude Code reads MCPGW_TOKEN', async () => {
    const vscode = await runMcpgw(['config', 'vscode', '--server', '/team/weather/', '--gateway', 'https://gw.example.com/']);
    assert.equal(vscode.status, 0, vscode.stderr);
    const document = JSON.parse(vscode.stdout) as { servers: Record<string, { url: string; headers: Record<string, string> }>; inputs: Array<{ id: string; password: boolean }> };
    assert.equal(document.servers['team-weather']?.url, 'https://gw.example.com/team/weather/mcp');
    assert.equal(document.servers['team-weather']?.headers.Authorization, 'Bearer ${input:mcpgw-token}');
    assert.deepEqual(document.inputs.map((input) => [input.id, input.password]), [['mcpgw-token', true]]);
    const claude = await runMcpgw(['config', 'claude', '--server', '/currenttime'], { GATEWAY_PUBLIC_URL: 'https://public.example.com' });
    assert.equal((JSON.parse(claude.stdout) as McpServersFile).mcpServers.currenttime?.headers.Authorization, 'Bearer ${MCPGW_TOKEN}');
    assert.equal((JSON.parse(claude.stdout) as McpServersFile).mcpServers.currenttime?.url, 'https://public.example.com/currenttime/mcp');
  });

  test('a file that is not JSON is left alone and the error says so', async () => {
    const file = path.join(temp.dir, 'broken.json');
    writeFileSync(file, '{ not json');
    const run = await runMcpgw(['config', 'vscode', '--server', '/currenttime', '--write', '--file', file]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /CLI_FILE_INVALID/);
    assert.equal(readFileSync(file, 'utf8'), '{ not json');
  });

  test('usage mistakes exit 64 with a stable code', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['config', 'emacs', '--server', '/x'], /CLI_USAGE/],
      [['config', 'claude'], /CLI_USAGE/],
      [['config', 'claude', '--server', '/Bad Path'], /CLI_INVALID_ARGUMENT/],
      [['config', 'claude', '--server', '/x', '--gateway', 'https://gw/with/path'], /CLI_INVALID_ARGUMENT/],
      [['config', 'claude', '--server', '/x', '--token', ' '], /CLI_INVALID_ARGUMENT/],
      [['config', 'claude', '--server', '/x', '--file', 'f.json'], /CLI_USAGE/],
    ];
    for (const [args, code] of cases) {
      const run = await runMcpgw(args);
      assert.equal(run.status, 64, args.join(' '));
      assert.match(run.stderr, code, args.join(' '));
    }
  });
});
