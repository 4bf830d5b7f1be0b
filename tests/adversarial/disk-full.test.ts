import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { startRegistry, type RunningRegistry } from '../../registry/src/start-registry.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';
import { STACK_ADMIN_GROUP } from '../support/scopes.js';
import { mountTinyDisk, type TinyDisk } from './support/tiny-disk.js';

const SCOPES = readFileSync(new URL('../../config/scopes.yml', import.meta.url), 'utf8');
const tiny = mountTinyDisk(4096);
const skip = typeof tiny === 'string' ? tiny : false;

describe('the disk fills up while the registry writes: a clear error and the old data intact', { skip }, () => {
  const disk = tiny as TinyDisk;
  const temp = makeTempDir('mcpgw-disk-full-');
  let registry: RunningRegistry;
  let token: string;
  const scopesFile = path.join(disk.dir, 'scopes.yml');
  const api = () => request(registry.url);

  before(async () => {
    writeFileSync(scopesFile, SCOPES);
    // The database lives on the tiny disk too.
    registry = await startRegistry({ port: 0, dataDir: path.join(disk.dir, 'data'), scopesFile, logger: pino({ level: 'silent' }), internalToken: 'x'.repeat(40), keycloakAdmin: null });
    token = await (await TokenMint.forDataDir(path.join(disk.dir, 'data'))).token('admin', [STACK_ADMIN_GROUP]);
  });
  after(async () => {
    await registry?.close();
    disk.free();
    disk.remove();
    temp.remove();
  });

  test('a scopes.yml edit on a full disk answers 507 and leaves the file, the history and the directory as they were', async () => {
    const history = (await api().get('/api/scopes/history').set('authorization', `Bearer ${token}`).expect(200)).body;
    disk.fill();
    try {
      const refused = await api().put('/api/scopes/groups/newcomers').set('authorization', `Bearer ${token}`).send({ scopes: ['mcp-servers-restricted/read'] });
      assert.equal(refused.status, 507, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'REGISTRY_STORAGE_FULL');
      assert.equal(readFileSync(scopesFile, 'utf8'), SCOPES);
      assert.deepEqual(readdirSync(disk.dir).filter((name) => name.endsWith('.tmp')), []);
    } finally {
      disk.free();
    }
    assert.deepEqual((await api().get('/api/scopes/history').set('authorization', `Bearer ${token}`).expect(200)).body, history);
    await api().put('/api/scopes/groups/newcomers').set('authorization', `Bearer ${token}`).send({ scopes: ['mcp-servers-restricted/read'] }).expect(200);
    assert.match(readFileSync(scopesFile, 'utf8'), /newcomers/);
  });

  test('a server registration on a full disk is refused with a clear error and leaves nothing half-written', async () => {
    const entry = (name: string) => ({ server_name: name, path: `/${name}`, proxy_pass_url: 'http://127.0.0.1:9/', description: 'x'.repeat(2000) });
    await api().post('/api/servers').set('authorization', `Bearer ${token}`).send(entry('before')).expect(201);
    disk.fill();
    let refused;
    try {
      // SQLite may still fit a page or two in its journal's slack: keep writing until the disk says no.
      for (let attempt = 0; attempt < 50; attempt += 1) {
        refused = await api().post('/api/servers').set('authorization', `Bearer ${token}`).send(entry(`full-${attempt}`));
        if (refused.status !== 201) break;
      }
    } finally {
      disk.free();
    }
    assert.ok(refused);
    assert.equal(refused.status, 507, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'REGISTRY_STORAGE_FULL');
    const listed = (await api().get('/api/servers').set('authorization', `Bearer ${token}`).expect(200)).body.servers as Array<{ path: string; description: string }>;
    assert.ok(listed.some((server) => server.path === '/before'));
    for (const server of listed) assert.equal(server.description.length, 2000, `${server.path} is whole`);
    await api().post('/api/servers').set('authorization', `Bearer ${token}`).send(entry('after')).expect(201);
  });
});
