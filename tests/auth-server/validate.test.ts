import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { startAuthServer, type RunningAuthServer } from '../../auth-server/src/start-auth-server.js';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';

const SCOPES = `
group_mappings:
  admins: [all-servers]
  weather-users: [weather/basic]
UI-Scopes: {}
all-servers:
  - server: '*'
    methods: [all]
    tools: [all]
weather/basic:
  - server: weather
    methods: [tools/list, resources/*]
    tools: [get_forecast]
notes/editor:
  - server: notes
    methods: [tools/list]
    tools: [add_note]
`;

describe('auth-server GET /validate', () => {
  const temp = makeTempDir();
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  let server: RunningAuthServer;
  let mint: TokenMint;

  before(async () => {
    writeFileSync(scopesFile, SCOPES);
    server = await startAuthServer({ port: 0, dataDir: temp.dir, scopesFile, logger: pino({ level: 'silent' }) });
    mint = await TokenMint.forDataDir(temp.dir);
  });
  after(async () => {
    await server.close();
    temp.remove();
  });

  const check = (token: string | undefined, headers: Record<string, string>) => {
    const call = request(server.url).get('/validate').set({ 'X-Original-Method': 'POST', 'X-Server-Path': '/weather', ...headers });
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };
  const toolCall = (tool: string) => ({ 'X-MCP-Methods': 'tools%2Fcall', 'X-MCP-Tools': encodeURIComponent(tool), 'X-MCP-Method': 'tools%2Fcall', 'X-MCP-Tool': encodeURIComponent(tool) });

  test('allows a permitted tool call and answers the identity headers', async () => {
    const token = await mint.token('alice', ['weather-users'], { clientId: 'cli' });
    const response = await check(token, toolCall('get_forecast'));
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-user'], 'alice');
    assert.equal(response.headers['x-username'], 'alice');
    assert.equal(response.headers['x-client-id'], 'cli');
    assert.equal(response.headers['x-scopes'], 'weather/basic');
    assert.equal(response.headers['x-auth-method'], 'registry-token');
    assert.equal(response.headers['x-groups'], 'weather-users');
  });

  test('403 with a JSON reason for a tool the caller may not call', async () => {
    const response = await check(await mint.token('alice', ['weather-users']), toolCall('delete_everything'));
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'AUTHZ_TOOL_DENIED');
    assert.equal(response.body.error.tool, 'delete_everything');
  });

  test('403 for a server the caller has no entry for', async () => {
    const response = await check(await mint.token('alice', ['weather-users']), { 'X-Server-Path': '/notes', 'X-MCP-Methods': 'initialize' });
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'AUTHZ_NO_SERVER_ACCESS');
  });

  test('scope names in the token claim are honoured', async () => {
    const token = await mint.token('carol', [], { scopes: ['notes/editor'] });
    assert.equal((await check(token, { 'X-Server-Path': 'notes', ...toolCall('add_note') })).status, 200);
    assert.equal((await check(token, { 'X-Server-Path': 'notes', ...toolCall('drop_all') })).status, 403);
  });

  test('batches: allowed only when every message is', async () => {
    const token = await mint.token('alice', ['weather-users']);
    const ok = await check(token, { 'X-MCP-Method': 'batch', 'X-MCP-Methods': 'initialize,tools%2Flist,tools%2Fcall,', 'X-MCP-Tools': ',,get_forecast,' });
    assert.equal(ok.status, 200);
    const denied = await check(token, { 'X-MCP-Method': 'batch', 'X-MCP-Methods': 'tools%2Flist,prompts%2Flist', 'X-MCP-Tools': ',' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'AUTHZ_METHOD_DENIED');
  });

  test('the JSON-RPC body in X-Body is accepted instead of the headers', async () => {
    const token = await mint.token('alice', ['weather-users']);
    const body = (name: string) => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } })).toString('base64');
    assert.equal((await check(token, { 'X-Body': body('get_forecast') })).status, 200);
    assert.equal((await check(token, { 'X-Body': body('other') })).status, 403);
    assert.equal((await check(token, { 'X-Body': Buffer.from('{nope').toString('base64') })).status, 400);
  });

  test('a POST that describes no JSON-RPC message is denied', async () => {
    const response = await check(await mint.token('root', ['admins']), {});
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'AUTHZ_HTTP_METHOD_DENIED');
  });

  test('GET and DELETE are session lifecycle', async () => {
    const token = await mint.token('alice', ['weather-users']);
    assert.equal((await check(token, { 'X-Original-Method': 'GET' })).status, 200);
    assert.equal((await check(token, { 'X-Original-Method': 'DELETE' })).status, 200);
  });

  test('tools/list answers carry the tools the caller may call', async () => {
    const list = { 'X-MCP-Methods': 'tools%2Flist', 'X-MCP-Method': 'tools%2Flist' };
    const limited = await check(await mint.token('alice', ['weather-users']), list);
    assert.equal(limited.headers['x-allowed-tools'], 'get_forecast');
    const admin = await check(await mint.token('root', ['admins']), list);
    assert.equal(admin.headers['x-allowed-tools'], '*');
    const call = await check(await mint.token('root', ['admins']), toolCall('x'));
    assert.equal(call.headers['x-allowed-tools'], undefined);
  });

  const unauthenticated: Array<[string, (m: TokenMint) => Promise<string | undefined> | string | undefined, string]> = [
    ['missing', () => undefined, 'AUTH_TOKEN_MISSING'],
    ['malformed', () => 'not-a-jwt', 'AUTH_TOKEN_MALFORMED'],
    ['forged', (m) => m.forged('mallory', ['admins']), 'AUTH_TOKEN_BAD_SIGNATURE'],
    ['expired', (m) => m.expired('alice', ['admins']), 'AUTH_TOKEN_EXPIRED'],
    ['wrong audience', (m) => m.wrongAudience('alice', ['admins']), 'AUTH_TOKEN_WRONG_AUDIENCE'],
    ['alg none', (m) => m.unsigned('mallory', ['admins']), 'AUTH_TOKEN_MALFORMED'],
  ];
  for (const [name, makeToken, code] of unauthenticated) {
    test(`401 with a challenge for a ${name} token`, async () => {
      const response = await check(await makeToken(mint), toolCall('get_forecast'));
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, code);
      assert.match(response.headers['www-authenticate'] ?? '', /^Bearer realm="mcp-gateway"/);
      if (code !== 'AUTH_TOKEN_MISSING') assert.match(response.headers['www-authenticate'] ?? '', /error="invalid_token"/);
    });
  }

  test('identity comes only from the token, never from headers the caller adds', async () => {
    const token = await mint.token('bob', ['weather-users']);
    const response = await check(token, { ...toolCall('secret_tool'), 'X-User': 'root', 'X-Groups': 'admins', 'X-Scopes': 'all-servers' });
    assert.equal(response.status, 403);
  });

  test('X-Authorization carries the ingress token when Authorization is for the upstream', async () => {
    const token = await mint.token('alice', ['weather-users']);
    const response = await request(server.url)
      .get('/validate')
      .set({ 'X-Server-Path': '/weather', 'X-Original-Method': 'GET', Authorization: 'Bearer upstream-secret', 'X-Authorization': `Bearer ${token}` });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-user'], 'alice');
  });

  test('a missing or invalid X-Server-Path is a bad check request', async () => {
    const token = await mint.token('root', ['admins']);
    assert.equal((await check(token, { 'X-Server-Path': '' })).status, 400);
    assert.equal((await check(token, { 'X-Server-Path': '/../etc' })).body.error.code, 'AUTH_CHECK_INVALID');
  });

  test('an edit of scopes.yml takes effect without a restart; an invalid one is ignored', async () => {
    const token = await mint.token('dave', ['weather-users']);
    assert.equal((await check(token, toolCall('get_alerts'))).status, 403);
    const reloaded = new Promise<void>((resolve) => {
      const stop = server.scopes.onChange(() => {
        stop();
        resolve();
      });
    });
    await writeFileAtomic(scopesFile, SCOPES.replace('tools: [get_forecast]', 'tools: [get_forecast, get_alerts]'));
    await reloaded;
    assert.equal((await check(token, toolCall('get_alerts'))).status, 200);

    writeFileSync(scopesFile, 'group_mappings:\n  weather-users: [undefined-scope]\n');
    assert.equal(server.scopes.reload(), false);
    assert.equal((await check(token, toolCall('get_alerts'))).status, 200);
  });

  test('health', async () => {
    const response = await request(server.url).get('/health');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });
});
