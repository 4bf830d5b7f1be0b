import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { freePort } from '../support/free-port.js';
import { makeTempDir } from '../support/temp-dir.js';
import { withAdministrator } from '../support/scopes.js';

const SCOPES = withAdministrator(`
group_mappings:
  other-tool-only: [currenttime/other]
currenttime/other:
  - server: currenttime
    methods: [tools/list]
    tools: [some_other_tool]
`);

interface Launched {
  child: ChildProcess;
  output: () => string;
  ports: { GATEWAY_PORT: number; GATEWAY_METRICS_PORT: number; REGISTRY_PORT: number; AUTH_PORT: number; CURRENTTIME_PORT: number; NOTES_PORT: number };
  dataDir: string;
}

/** `npm start` as a user runs it: the built launcher, as a child process, until it prints that it is ready. */
async function launch(dataDir: string, scopesFile: string, extraEnv: Record<string, string>): Promise<Launched> {
  const ports = {
    GATEWAY_PORT: await freePort(),
    GATEWAY_METRICS_PORT: await freePort(),
    REGISTRY_PORT: await freePort(),
    AUTH_PORT: await freePort(),
    CURRENTTIME_PORT: await freePort(),
    NOTES_PORT: await freePort(),
  };
  writeFileSync(scopesFile, SCOPES);
  const child = spawn(process.execPath, ['scripts/dist/start-stack.js'], {
    env: { ...process.env, LOG_LEVEL: 'info', DATA_DIR: dataDir, SCOPES_FILE: scopesFile, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (output.includes('MCP gateway ready at')) resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the launcher exited (${code}) before it was ready:\n${output}`)));
  });
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the launcher was not ready in 60 s:\n${output}`)), 60_000).unref());
  await Promise.race([ready, deadline]);
  return { child, output: () => output, ports, dataDir };
}

async function stop(launched: Launched): Promise<number | null> {
  if (launched.child.exitCode !== null) return launched.child.exitCode;
  const exited = once(launched.child, 'exit');
  launched.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

async function isListening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`);
    return true;
  } catch {
    return false;
  }
}

function mcpgwToken(dataDir: string, args: string[]): string {
  return execFileSync(process.execPath, ['scripts/bin/mcpgw.js', 'token', ...args], { env: { ...process.env, DATA_DIR: dataDir } }).toString().trim();
}

describe('npm start', () => {
  const temps: Array<{ remove(): void }> = [];
  after(() => temps.forEach((temp) => temp.remove()));

  test('brings up the stack; an SDK client with a minted token reaches currenttime; Ctrl-C stops it all', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const dataDir = path.join(temp.dir, 'data-created-on-start');
    const launched = await launch(dataDir, path.join(temp.dir, 'scopes.yml'), {});
    try {
      const printed = launched.output();
      assert.match(printed, new RegExp(`http://127\\.0\\.0\\.1:${launched.ports.GATEWAY_PORT}/currenttime/mcp`));
      assert.match(printed, /npx mcpgw token/);

      const url = `http://127.0.0.1:${launched.ports.GATEWAY_PORT}/currenttime/mcp`;
      const client = await connectClient(url, mcpgwToken(dataDir, ['--user', 'alice', '--groups', 'mcp-registry-admin']));
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((tool) => tool.name === 'current_time_by_timezone'));
        const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Asia/Tokyo' } });
        assert.notEqual(result.isError, true);
      } finally {
        await client.close();
      }

      const registryMcp = await connectClient(`http://127.0.0.1:${launched.ports.GATEWAY_PORT}/mcpgw/mcp`, mcpgwToken(dataDir, ['--user', 'alice', '--groups', 'mcp-registry-admin']));
      try {
        const listed = await registryMcp.callTool({ name: 'list_services', arguments: {} });
        const paths = ((listed.structuredContent as { services: Array<{ path: string }> }).services).map((service) => service.path);
        assert.deepEqual(paths, ['/currenttime', '/mcpgw', '/notes'], 'the launcher registers the registry\'s own MCP server');
      } finally {
        await registryMcp.close();
      }

      const limited = await connectClient(url, mcpgwToken(dataDir, ['--user', 'bob', '--groups', 'other-tool-only']));
      try {
        assert.deepEqual((await limited.listTools()).tools, []);
        assert.equal(await httpStatusOfFailure(limited.callTool({ name: 'current_time_by_timezone', arguments: {} })), 403);
      } finally {
        await limited.close();
      }
    } finally {
      assert.equal(await stop(launched), 0);
    }
    for (const port of Object.values(launched.ports)) assert.equal(await isListening(port), false, `port ${port} still answers`);
  });

  test('MCPGW_EXAMPLES=false starts no example servers; the registry\'s own MCP server is still registered', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const launched = await launch(path.join(temp.dir, 'data'), path.join(temp.dir, 'scopes.yml'), { MCPGW_EXAMPLES: 'false' });
    try {
      assert.equal(await isListening(launched.ports.GATEWAY_PORT), true);
      assert.equal(await isListening(launched.ports.CURRENTTIME_PORT), false);
      assert.equal(await isListening(launched.ports.NOTES_PORT), false);
      const token = mcpgwToken(path.join(temp.dir, 'data'), ['--user', 'alice', '--groups', 'mcp-registry-admin']);
      const response = await fetch(`http://127.0.0.1:${launched.ports.REGISTRY_PORT}/api/servers`, { headers: { authorization: `Bearer ${token}` } });
      const { servers } = (await response.json()) as { servers: Array<{ path: string }> };
      assert.deepEqual(servers.map((server) => server.path), ['/mcpgw'], 'only the registry\'s own MCP server');
    } finally {
      assert.equal(await stop(launched), 0);
    }
  });
});
