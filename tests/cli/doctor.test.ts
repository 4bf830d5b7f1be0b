import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';
import path from 'node:path';
import { runDoctorChecks, type CheckResult } from '../../scripts/src/cli/doctor/doctor-checks.js';
import { freePort } from '../support/free-port.js';
import { startStack, type Stack } from '../support/stack.js';
import { runMcpgw } from './support/run-mcpgw.js';

describe('mcpgw doctor', () => {
  let stack: Stack;
  let targets: string[];
  before(async () => {
    stack = await startStack();
    targets = ['--registry', stack.registry.url, '--auth', stack.auth.url, '--gateway', stack.gateway.url, '--scopes', stack.scopesFile];
  });
  after(() => stack?.close());

  const statuses = (checks: CheckResult[]) => Object.fromEntries(checks.map((check) => [check.check, check.status]));

  test('a healthy installation and a good token: nothing to fix, exit 0', async () => {
    const run = await runMcpgw(['doctor', ...targets, '--json'], { MCPGW_TOKEN: stack.adminToken });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: CheckResult[] };
    assert.equal(report.ok, true);
    assert.deepEqual(statuses(report.checks), {
      registry: 'ok', 'auth-server': 'ok', gateway: 'ok', transport: 'ok', clock: 'ok', jwks: 'ok', scopes: 'ok', token: 'ok', servers: 'ok', routes: 'ok',
    });
  });

  test('a service that is down fails with what to do, exit 1', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runMcpgw(['doctor', ...targets, '--auth', closed]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /FAIL {2}auth-server .*unreachable \(ECONNREFUSED\)/);
    assert.match(run.stdout, /fix: start it .* --auth or AUTH_URL/);
  });

  test('an expired token and a broken scopes.yml each fail with their fix', async () => {
    const expired = await stack.mint.expired('admin', ['mcp-registry-admin']);
    const broken = path.join(path.dirname(stack.scopesFile), 'broken-scopes.yml');
    writeFileSync(broken, 'group_mappings: [not, a, map]\n');
    const checks = await runDoctorChecks({
      registry: new URL(stack.registry.url),
      auth: new URL(stack.auth.url),
      gateway: new URL(stack.gateway.url),
      scopesFile: broken,
      token: expired,
    });
    const byName = Object.fromEntries(checks.map((check) => [check.check, check]));
    assert.equal(byName.scopes?.status, 'fail');
    assert.match(byName.scopes?.fix ?? '', /mcpgw scopes validate/);
    assert.equal(byName.token?.status, 'fail');
    assert.match(byName.token?.detail ?? '', /expired/);
  });

  test('a token the registry refuses fails the token check', async () => {
    const run = await runMcpgw(['doctor', ...targets, '--token', 'not-a-token', '--json']);
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as { checks: CheckResult[] };
    assert.equal(statuses(report.checks).token, 'fail');
  });

  test('clocks a minute and more apart fail; a few seconds pass', async () => {
    const base = { registry: new URL(stack.registry.url), auth: new URL(stack.auth.url), gateway: new URL(stack.gateway.url), scopesFile: stack.scopesFile, token: undefined };
    const ahead = await runDoctorChecks(base, () => Date.now() + 120_000);
    assert.equal(statuses(ahead).clock, 'fail');
    const close = await runDoctorChecks(base, () => Date.now() + 2_000);
    assert.equal(statuses(close).clock, 'ok');
    assert.equal(statuses(close).token, 'warn');
  });

  test('a gateway without routes while the registry holds servers fails: it cannot read the route feed', async () => {
    const emptyGateway = await listen(createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","routes":0}')), 0);
    try {
      const checks = await runDoctorChecks({
        registry: new URL(stack.registry.url), auth: new URL(stack.auth.url), gateway: new URL(emptyGateway.url), scopesFile: stack.scopesFile, token: stack.adminToken,
      });
      const routes = checks.find((check) => check.check === 'routes');
      assert.equal(routes?.status, 'fail');
      assert.match(routes?.fix ?? '', /INTERNAL_API_TOKEN/);
    } finally {
      await emptyGateway.close();
    }
  });

  test('a plain-HTTP gateway anywhere but this machine is a warning', async () => {
    const checks = await runDoctorChecks({
      registry: new URL(stack.registry.url), auth: new URL(stack.auth.url), gateway: new URL(`http://0.0.0.0:${await freePort()}`), scopesFile: stack.scopesFile, token: undefined,
    });
    assert.equal(statuses(checks).transport, 'warn');
  });
});
