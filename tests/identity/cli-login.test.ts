import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runMcpgw, type CliRun } from '../cli/support/run-mcpgw.js';
import { Browser } from '../support/browser.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { startStack, type Stack } from '../support/stack.js';
import { makeTempDir } from '../support/temp-dir.js';
import { IDENTITY_SCOPES } from './support/identity-scopes.js';
import { providersFromYaml } from './support/providers.js';

const CLI = { clientId: 'mcpgw-cli', clientSecret: '', public: true, redirectUris: ['http://127.0.0.1/callback'], claims: { realm_access: { roles: ['realm-ops'] } } };

interface StoredLogin {
  issuer: string;
  clientId: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  subject?: string;
}

/** Runs mcpgw login and, once it prints a URL matching `pattern`, hands the URL to `drive`. */
async function loginWhile(args: string[], env: NodeJS.ProcessEnv, pattern: RegExp, drive: (url: string) => Promise<void>): Promise<CliRun> {
  let child: ChildProcess | undefined;
  let driving: Promise<void> | undefined;
  const run = runMcpgw(['login', ...args], env, (started) => {
    child = started;
    let seen = '';
    started.stderr?.on('data', (chunk: Buffer | string) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match && driving === undefined) driving = drive(match[1] as string);
    });
  });
  const timer = setTimeout(() => child?.kill(), 30_000);
  try {
    const result = await run;
    await driving;
    return result;
  } finally {
    clearTimeout(timer);
  }
}

describe('mcpgw login: tokens from the identity provider for the command line', () => {
  let idp: OidcIssuer;
  let stack: Stack;
  const config = makeTempDir('mcpgw-cli-login-');
  const env = () => ({ MCPGW_CONFIG_DIR: path.join(config.dir, 'mcpgw'), MCPGW_LOGIN_ISSUER: idp.issuer, MCPGW_LOGIN_CLIENT_ID: CLI.clientId });
  const loginFile = () => path.join(config.dir, 'mcpgw', 'login.json');
  const stored = () => JSON.parse(readFileSync(loginFile(), 'utf8')) as StoredLogin;

  before(async () => {
    idp = await startOidcIssuer({ issuerPath: '/realms/mcp', clients: [CLI], accounts: { alice: { preferred_username: 'alice' }, bob: { preferred_username: 'bob' } } });
    const providers = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    issuer: ${idp.issuer}
    audience: ${CLI.clientId}
`);
    stack = await startStack({ scopes: IDENTITY_SCOPES, providers });
  });
  after(async () => {
    await stack?.close();
    await idp?.close();
    config.remove();
  });

  test('the browser flow: the printed URL, the provider\'s pages, back to the loopback listener; tokens stored 0600', async () => {
    let landing: { status: number; text: string } | undefined;
    const run = await loginWhile([], env(), /(http:\/\/127\.0\.0\.1:\d+\/realms\/mcp\/auth\?\S+)/, async (url) => {
      const query = new URL(url).searchParams;
      assert.equal(query.get('code_challenge_method'), 'S256');
      assert.match(query.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const final = await new Browser().completeForms(url, { login: 'alice', password: 'any' });
      landing = { status: final.response.status, text: await final.response.text() };
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal(landing?.status, 200);
    assert.match(landing?.text ?? '', /Logged in/);
    assert.match(run.stderr, /Logged in as alice/);

    const login = stored();
    assert.deepEqual([login.issuer, login.clientId, login.subject], [idp.issuer, CLI.clientId, 'alice']);
    assert.ok(login.accessToken.length > 20);
    assert.ok(login.refreshToken);
    assert.ok(login.expiresAt > Date.now() / 1000);
    assert.equal(statSync(loginFile()).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(loginFile())).mode & 0o777, 0o700);
  });

  test('mcpgw token prints the stored token, and client commands use it through the gateway', async () => {
    const token = await runMcpgw(['token'], env());
    assert.equal(token.status, 0, token.stderr);
    assert.equal(token.stdout.trim(), stored().accessToken);

    const list = await runMcpgw(['client', 'list', '--url', `${stack.gateway.url}/currenttime/mcp`], env());
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name), ['current_time_by_timezone']);

    const anonymous = await runMcpgw(['client', 'list', '--url', `${stack.gateway.url}/currenttime/mcp`]);
    assert.equal(anonymous.status, 2, 'without the stored login the gateway refuses');
  });

  test('a token about to expire is refreshed before use and stored again', async () => {
    const before = stored();
    writeFileSync(loginFile(), JSON.stringify({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 10 }), { mode: 0o600 });
    const token = await runMcpgw(['token'], env());
    assert.equal(token.status, 0, token.stderr);
    const after = stored();
    assert.notEqual(after.accessToken, before.accessToken);
    assert.equal(token.stdout.trim(), after.accessToken);
    assert.ok(after.expiresAt > Math.floor(Date.now() / 1000) + 60);
    assert.equal(statSync(loginFile()).mode & 0o777, 0o600);
  });

  test('an expired login that cannot be refreshed asks to log in again', async () => {
    writeFileSync(loginFile(), JSON.stringify({ ...stored(), expiresAt: 1, refreshToken: 'revoked-or-made-up' }), { mode: 0o600 });
    const token = await runMcpgw(['token'], env());
    assert.equal(token.status, 2);
    assert.match(token.stderr, /CLI_REFUSED.*mcpgw login again/);
  });

  test('the device code flow: the printed page and code, confirmed in a browser', async () => {
    const run = await loginWhile(['--device'], env(), /or open (http:\/\/\S+)/, async (url) => {
      const final = await new Browser().completeForms(url, { login: 'bob', password: 'any' });
      assert.equal(final.response.status, 200);
      assert.match(await final.response.text(), /Sign-in Success/);
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /enter the code [A-Z-]+/);
    assert.equal(stored().subject, 'bob');
  });

  test('--provider takes the issuer and client of a configured provider', async () => {
    const file = path.join(config.dir, 'oauth2_providers.yml');
    writeFileSync(file, `providers:\n  keycloak:\n    enabled: true\n    issuer: ${idp.issuer}\n    client_id: ${CLI.clientId}\n`);
    const providerEnv = { MCPGW_CONFIG_DIR: path.join(config.dir, 'by-provider'), OAUTH2_PROVIDERS_FILE: file };
    const run = await loginWhile(['--provider', 'keycloak'], providerEnv, /(http:\/\/127\.0\.0\.1:\d+\/realms\/mcp\/auth\?\S+)/, async (url) => {
      assert.equal(new URL(url).searchParams.get('client_id'), CLI.clientId);
      await new Browser().completeForms(url, { login: 'alice', password: 'any' });
    });
    assert.equal(run.status, 0, run.stderr);
    const login = JSON.parse(readFileSync(path.join(config.dir, 'by-provider', 'login.json'), 'utf8')) as StoredLogin;
    assert.deepEqual([login.issuer, login.clientId, login.subject], [idp.issuer, CLI.clientId, 'alice']);

    const unknown = await runMcpgw(['login', '--provider', 'okta'], providerEnv);
    assert.equal(unknown.status, 64);
    assert.match(unknown.stderr, /CLI_INVALID_ARGUMENT.*configured: keycloak/);
  });

  test('missing settings are usage errors', async () => {
    const run = await runMcpgw(['login'], { MCPGW_CONFIG_DIR: path.join(config.dir, 'none') });
    assert.equal(run.status, 64);
    assert.match(run.stderr, /--issuer URL/);
  });
});
