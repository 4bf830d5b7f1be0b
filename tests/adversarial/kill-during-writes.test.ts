import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { freePort } from '../support/free-port.js';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';
import { STACK_ADMIN_GROUP } from '../support/scopes.js';
import { registryBackends } from '../registry/support/registry-backends.js';

const SCOPES = readFileSync(new URL('../../config/scopes.yml', import.meta.url), 'utf8');
const REGISTRY_MAIN = new URL('../../registry/dist/main.js', import.meta.url);

interface Child {
  process: ChildProcess;
  url: string;
}

/** The built registry as its own process, as production runs it, so that SIGKILL hits it mid-write. */
async function startRegistryProcess(env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [REGISTRY_MAIN.pathname], {
    env: { ...process.env, LOG_LEVEL: 'silent', REGISTRY_PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the registry exited: ${stderr}`);
    const up = await fetch(`${url}/health`).then((response) => response.ok, () => false);
    if (up) return { process: child, url };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`the registry did not start: ${stderr}`);
}

for (const { backend, skip } of await registryBackends()) {
  describe(`the registry killed with SIGKILL in the middle of writes (${backend})`, { skip }, () => {
    const temp = makeTempDir('mcpgw-kill-');
    let schema: TestSchema | undefined;
    let child: Child | undefined;
    after(async () => {
      child?.process.kill('SIGKILL');
      await schema?.drop();
      temp.remove();
    });

    test('every acknowledged write survives, nothing is half-written, scopes.yml is one whole version', async () => {
      const dataDir = path.join(temp.dir, 'data');
      const scopesFile = path.join(temp.dir, 'scopes.yml');
      writeFileSync(scopesFile, SCOPES);
      const env: Record<string, string> = { DATA_DIR: dataDir, SCOPES_FILE: scopesFile, INTERNAL_API_TOKEN: 'k'.repeat(40) };
      if (backend === 'postgres') {
        schema = await createTestSchema();
        const url = new URL(TEST_DATABASE_URL);
        url.searchParams.set('options', `-c search_path=${schema.schema}`);
        env.DATABASE_URL = url.toString();
      }
      child = await startRegistryProcess(env);
      const token = await (await TokenMint.forDataDir(dataDir)).token('admin', [STACK_ADMIN_GROUP]);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const description = 'd'.repeat(3000);

      const acknowledgedServers: string[] = [];
      const acknowledgedGroups: string[] = [];
      let stop = false;
      const writer = async (lane: number): Promise<void> => {
        for (let index = 0; !stop; index += 1) {
          const name = `s${lane}-${index}`;
          const response = await fetch(`${child!.url}/api/servers`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ server_name: name, path: `/${name}`, proxy_pass_url: 'http://127.0.0.1:9/', description, tags: ['a', 'b'] }),
          }).catch(() => undefined);
          if (response?.status === 201) acknowledgedServers.push(`/${name}`);
          else return;
        }
      };
      const scopesWriter = async (): Promise<void> => {
        for (let index = 0; !stop; index += 1) {
          const group = `kill-test-${index}`;
          const response = await fetch(`${child!.url}/api/scopes/groups/${group}`, { method: 'PUT', headers, body: JSON.stringify({ scopes: ['mcp-servers-restricted/read'] }) }).catch(() => undefined);
          if (response?.status === 200) acknowledgedGroups.push(group);
          else return;
        }
      };
      const lanes = [0, 1, 2, 3].map(writer);
      const scopesLane = scopesWriter();
      while (acknowledgedServers.length < 30 || acknowledgedGroups.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
      child.process.kill('SIGKILL');
      stop = true;
      await once(child.process, 'exit').catch(() => undefined);
      await Promise.all([...lanes, scopesLane]);

      // scopes.yml is one whole version: it parses and holds every acknowledged group; no temporary file is left to read.
      const text = readFileSync(scopesFile, 'utf8');
      const mappings = (yaml.load(text) as { group_mappings: Record<string, string[]> }).group_mappings;
      for (const group of acknowledgedGroups) assert.ok(group in mappings, `acknowledged group ${group} is in scopes.yml`);

      child = await startRegistryProcess(env);
      const listed = (await (await fetch(`${child.url}/api/servers`, { headers })).json()) as { servers: Array<{ path: string; description: string; tags: string[] }> };
      const present = new Set(listed.servers.map((server) => server.path));
      for (const server of acknowledgedServers) assert.ok(present.has(server), `acknowledged ${server} survived`);
      for (const server of listed.servers) {
        assert.equal(server.description, description, `${server.path} is whole`);
        assert.deepEqual(server.tags, ['a', 'b']);
      }
      const scopes = (await (await fetch(`${child.url}/api/scopes`, { headers })).json()) as { valid: boolean };
      assert.equal(scopes.valid, true);
      const served = await (await fetch(`${child.url}/api/scopes`, { headers: { ...headers, accept: 'application/yaml' } })).text();
      assert.equal(served, readFileSync(scopesFile, 'utf8'));
      // What an interrupted rename may leave is cleaned up or ignored, never read as scopes.yml.
      assert.ok(readdirSync(temp.dir).every((name) => name === 'scopes.yml' || name === 'data' || name.endsWith('.tmp')));
      child.process.kill('SIGTERM');
      await once(child.process, 'exit');
      child = undefined;
    });
  });
}
