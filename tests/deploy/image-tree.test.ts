import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../support/free-port.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Lays out the files the Dockerfile's runtime stage copies (from this built checkout, with its
 * node_modules linked in) and runs every service of docker-compose.yml from that tree alone: a
 * file the image would miss makes a service fail to start here.
 */
const runtimeStage = readFileSync('Dockerfile', 'utf8').split(/^FROM /m).at(-1) ?? '';
const COPIES = [...runtimeStage.matchAll(/^COPY (?:--from=build )?(.+) (\S+)$/gm)].map((match) => ({
  sources: (match[1] as string).split(' ').map((source) => source.replace(/^\/app\//, '')),
  destination: match[2] as string,
}));

describe('the runtime image, laid out from the Dockerfile', () => {
  const temp = makeTempDir('mcpgw-image-');
  const app = path.join(temp.dir, 'app');
  const children: ChildProcess[] = [];

  before(() => {
    mkdirSync(app, { recursive: true });
    for (const { sources, destination } of COPIES) {
      for (const source of sources) {
        const target = destination.endsWith('/') ? path.join(app, destination, path.basename(source)) : path.join(app, destination);
        if (source === 'node_modules') linkNodeModules(target);
        else cpSync(source, target, { recursive: true });
      }
    }
  });

  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    temp.remove();
  });

  /** Starts `node ENTRY` in the tree and resolves once GET /health on `port` answers 200. */
  const startService = async (entry: string, env: Record<string, string>, port: number): Promise<void> => {
    const child = spawn(process.execPath, [entry], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', NODE_ENV: 'production', HOST: '127.0.0.1', DATA_DIR: path.join(temp.dir, 'data'), SCOPES_FILE: path.join(app, 'config', 'scopes.yml'), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${entry} never answered /health: ${stderr}`);
  };

  test('registry, auth-server, gateway and example servers start from the image files alone', async () => {
    const [registry, auth, gateway, currenttime, notes] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    await startService('registry/dist/main.js', { REGISTRY_PORT: String(registry) }, registry);
    await startService('auth-server/dist/main.js', { AUTH_PORT: String(auth) }, auth);
    await startService('gateway/dist/main.js', { GATEWAY_PORT: String(gateway), AUTH_URL: `http://127.0.0.1:${auth}`, REGISTRY_URL: `http://127.0.0.1:${registry}` }, gateway);
    await startService('servers/dist/main.js', { CURRENTTIME_PORT: String(currenttime), NOTES_PORT: String(notes) }, currenttime);
  });

  test('the set-up scripts and mcpgw run from the image files', () => {
    const help = spawnSync(process.execPath, ['scripts/bin/mcpgw.js', '--help'], { cwd: app, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /doctor/);
    const token = spawnSync(process.execPath, ['scripts/bin/mcpgw.js', 'token', '--user', 'setup', '--groups', 'mcp-registry-admin'], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', DATA_DIR: path.join(temp.dir, 'data') },
    });
    assert.equal(token.status, 0, token.stderr);
    const check = spawnSync(process.execPath, ['scripts/setup/healthcheck.mjs'], { cwd: app, encoding: 'utf8' });
    assert.equal(check.status, 64, 'the health check script is there and asks for a URL');
  });
});

/** node_modules as the image has it: packages from this checkout, the workspace links pointing into the tree. */
function linkNodeModules(target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync('node_modules')) {
    if (entry === '@mcpgw') {
      mkdirSync(path.join(target, '@mcpgw'));
      for (const workspace of readdirSync('node_modules/@mcpgw')) {
        symlinkSync(readlinkSync(path.join('node_modules/@mcpgw', workspace)), path.join(target, '@mcpgw', workspace));
      }
      continue;
    }
    symlinkSync(path.resolve('node_modules', entry), path.join(target, entry));
  }
}
