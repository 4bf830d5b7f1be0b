import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { freePort } from '../support/free-port.js';
import { startStack, type Stack } from '../support/stack.js';
import { makeTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const SETUP = path.resolve('scripts/setup');

const exitOf = (promise: Promise<{ stdout: string; stderr: string }>) =>
  promise.then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('scripts/setup/generate-secrets.sh', () => {
  const temp = makeTempDir('mcpgw-secrets-');
  after(() => temp.remove());
  const envValue = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(readFileSync(path.join(temp.dir, '.env'), 'utf8'))?.[1];

  test('makes .env from the example, fills the empty secrets, keeps them on a second run, and makes a certificate', async () => {
    const first = await run('bash', [path.join(SETUP, 'generate-secrets.sh')], { cwd: temp.dir });
    assert.match(first.stdout, /generated GRAFANA_ADMIN_PASSWORD/);
    assert.equal(statSync(path.join(temp.dir, '.env')).mode & 0o777, 0o600);
    const grafana = envValue('GRAFANA_ADMIN_PASSWORD');
    const postgres = envValue('POSTGRES_PASSWORD');
    assert.ok(grafana && grafana.length >= 32);
    assert.ok(postgres && postgres.length >= 32);
    assert.notEqual(grafana, postgres);
    const subject = spawnSync('openssl', ['x509', '-noout', '-subject', '-in', path.join(temp.dir, 'ssl', 'fullchain.pem')], { encoding: 'utf8' });
    assert.match(subject.stdout, /CN ?= ?gateway\.example\.com/);

    const second = await run('bash', [path.join(SETUP, 'generate-secrets.sh')], { cwd: temp.dir });
    assert.doesNotMatch(second.stdout, /generated|self-signed/);
    assert.equal(envValue('GRAFANA_ADMIN_PASSWORD'), grafana);
    assert.equal(envValue('POSTGRES_PASSWORD'), postgres);
  });

  test('a secret the operator set is never replaced', async () => {
    const file = path.join(temp.dir, 'custom.env');
    writeFileSync(file, 'GRAFANA_ADMIN_PASSWORD=mine-and-only-mine\nSSL_DIR=./custom-ssl\nSERVER_NAME=mcp.example.org\n');
    const result = await run('bash', [path.join(SETUP, 'generate-secrets.sh'), file], { cwd: temp.dir });
    assert.match(result.stdout, /generated POSTGRES_PASSWORD/);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^GRAFANA_ADMIN_PASSWORD=mine-and-only-mine$/m);
    assert.match(text, /^POSTGRES_PASSWORD=.{32,}$/m);
    const subject = spawnSync('openssl', ['x509', '-noout', '-subject', '-in', path.join(temp.dir, 'custom-ssl', 'fullchain.pem')], { encoding: 'utf8' });
    assert.match(subject.stdout, /mcp\.example\.org/);
  });
});

describe('scripts/setup/healthcheck.mjs', () => {
  let server: RunningServer;
  before(async () => {
    server = await listen(createServer((request, response) => response.writeHead(request.url === '/health' ? 200 : 503).end()), 0);
  });
  after(() => server.close());

  test('exits 0 only when every URL answers 2xx', async () => {
    const script = path.join(SETUP, 'healthcheck.mjs');
    assert.equal((await exitOf(run(process.execPath, [script, `${server.url}/health`]))).code, 0);
    const failing = await exitOf(run(process.execPath, [script, `${server.url}/health`, `${server.url}/other`]));
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /\/other: HTTP 503/);
    const closed = await exitOf(run(process.execPath, [script, `http://127.0.0.1:${await freePort()}/health`]));
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /ECONNREFUSED/);
  });
});

describe('scripts/setup/register-examples.sh', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  test('registers the example servers at a base URL, replacing entries already there', async () => {
    const result = await run('sh', [path.join(SETUP, 'register-examples.sh'), 'http://example-servers'], {
      env: { ...process.env, REGISTRY_URL: stack.registry.url, DATA_DIR: stack.dataDir, MCPGW_TOKEN: '' },
    });
    assert.match(result.stdout, /updated \/currenttime -> http:\/\/example-servers:8101\//);
    const answer = await stack.registryApi('GET', '/api/servers/notes');
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { proxy_pass_url: string }).proxy_pass_url, 'http://example-servers:8102/');
  });
});
