import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { INTERNAL_TOKEN_HEADER, loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { ROUTES_FEED_PATH, type RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { CREDENTIALS_KEY_FILE, loadCredentialsKey } from '../../registry/src/credentials/credentials-key.js';
import { open, seal } from '../../registry/src/credentials/seal.js';
import { startRecordingUpstream, type RecordingUpstream, type ReceivedRequest } from '../support/recording-upstream.js';
import { startStack, type Stack } from '../support/stack.js';
import { makeTempDir } from '../support/temp-dir.js';
import { openWebSocket, startWebSocketEcho } from '../support/websocket.js';

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const SECRETS = ['up-secret-bearer-1', 'k-123-api-key', 'tenant-secret-2'];

describe('upstream credentials: sealed at rest, never answered, injected by the gateway', () => {
  let stack: Stack;
  let upstream: RecordingUpstream;
  let logs = '';
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));

  before(async () => {
    stack = await startStack({ logStream });
    upstream = await startRecordingUpstream();
  });
  after(async () => {
    await stack?.close();
    await upstream?.close();
  });

  const register = async (serverPath: string, auth: Record<string, unknown>) => {
    const response = await stack.register({ server_name: serverPath.slice(1), path: serverPath, proxy_pass_url: `${upstream.url}/`, ...auth });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    await stack.waitForRoute(serverPath);
    return JSON.parse(text) as Record<string, unknown>;
  };
  /** Sends tools/list through the gateway until the upstream sees what `expect` wants (routes reach the gateway by polling). */
  const callUntil = async (serverPath: string, headers: Record<string, string>, expect: (request: ReceivedRequest) => boolean): Promise<ReceivedRequest> => {
    let last: ReceivedRequest | undefined;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const response = await fetch(`${stack.gateway.url}${serverPath}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: TOOLS_LIST,
      });
      assert.equal(response.status, 200, await response.text());
      last = upstream.received.at(-1) as ReceivedRequest;
      if (expect(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`the upstream never received the expected headers; last: ${JSON.stringify(last?.headers)}`);
  };
  const admin = () => ({ authorization: `Bearer ${stack.adminToken}` });

  test('a bearer credential is answered as set, never shown, and sent to the upstream instead of the caller\'s token', async () => {
    const created = await register('/cred-bearer', { auth_scheme: 'bearer', auth_credential: SECRETS[0] });
    assert.equal(created.auth_scheme, 'bearer');
    assert.equal(created.auth_credential_set, true);
    assert.equal(created.auth_credential, undefined);
    const read = await (await stack.registryApi('GET', '/api/servers/cred-bearer')).text();
    const list = await (await stack.registryApi('GET', '/api/servers')).text();
    const v0 = await (await stack.registryApi('GET', '/v0/servers')).text();
    for (const text of [JSON.stringify(created), read, list, v0]) assert.equal(text.includes(SECRETS[0] as string), false);

    const received = await callUntil('/cred-bearer', admin(), () => true);
    assert.equal(received.headers.authorization, `Bearer ${SECRETS[0]}`);
    assert.equal(JSON.stringify(received.headers).includes(stack.adminToken), false, 'the ingress token never reaches the upstream');
  });

  test('dual-token: with the ingress token in X-Authorization, the caller\'s own Authorization wins', async () => {
    await register('/cred-dual', { auth_scheme: 'bearer', auth_credential: 'registry-held-token' });
    const dual = await callUntil('/cred-dual', { 'x-authorization': `Bearer ${stack.adminToken}`, authorization: 'Bearer callers-egress-token' }, () => true);
    assert.equal(dual.headers.authorization, 'Bearer callers-egress-token');
    assert.equal(dual.headers['x-authorization'], undefined);
    const ingressOnly = await callUntil('/cred-dual', { 'x-authorization': `Bearer ${stack.adminToken}` }, () => true);
    assert.equal(ingressOnly.headers.authorization, 'Bearer registry-held-token', 'without a caller egress token the credential is sent');
  });

  test('an API key replaces whatever the client sent under that header, in any spelling', async () => {
    const created = await register('/cred-key', { auth_scheme: 'api_key', auth_header_name: 'X-Api-Key', auth_credential: SECRETS[1] });
    assert.equal(created.auth_header_name, 'X-Api-Key');
    const received = await callUntil('/cred-key', { ...admin(), 'x-api-key': 'spoofed', 'X_API_KEY': 'spoofed-2' }, () => true);
    assert.equal(received.headers['x-api-key'], SECRETS[1]);
    assert.equal(received.headers.x_api_key, undefined);
    assert.equal(received.rawHeaders.filter((name) => /^x[-_]api[-_]key$/i.test(name)).length, 1);
    assert.equal(received.headers.authorization, undefined, 'the ingress token is still dropped');
  });

  test('custom headers are all set; PUT without auth keys keeps them; auth_scheme none removes them', async () => {
    const created = await register('/cred-custom', { auth_scheme: 'custom', auth_headers: { 'X-Tenant': 'acme', 'X-Tenant-Secret': SECRETS[2] } });
    assert.deepEqual(created.auth_header_names, ['X-Tenant', 'X-Tenant-Secret']);
    const received = await callUntil('/cred-custom', admin(), () => true);
    assert.deepEqual([received.headers['x-tenant'], received.headers['x-tenant-secret']], ['acme', SECRETS[2]]);

    const replaced = await stack.registryApi('PUT', '/api/servers/cred-custom', { server_name: 'renamed', proxy_pass_url: `${upstream.url}/` });
    assert.equal(replaced.status, 200);
    assert.equal(((await replaced.json()) as { auth_scheme?: string }).auth_scheme, 'custom');

    const removed = await stack.registryApi('PATCH', '/api/servers/cred-custom', { auth_scheme: 'none' });
    assert.equal(removed.status, 200);
    assert.equal(((await removed.json()) as { auth_scheme?: string }).auth_scheme, undefined);
    const after = await callUntil('/cred-custom', admin(), (request) => request.headers['x-tenant'] === undefined);
    assert.equal(after.headers['x-tenant-secret'], undefined);
  });

  test('a WebSocket upgrade carries the credential too', async () => {
    const echo = await startWebSocketEcho();
    try {
      const response = await stack.register({ server_name: 'ws', path: '/cred-ws', proxy_pass_url: `${echo.url}/`, supported_transports: ['websocket'], auth_scheme: 'api_key', auth_credential: 'ws-key-1' });
      assert.equal(response.status, 201);
      await stack.waitForRoute('/cred-ws');
      const socket = await openWebSocket(`${stack.gateway.url}/cred-ws/socket`, { ...admin(), 'x-api-key': 'spoofed' });
      assert.equal(socket.opened, true);
      if (socket.opened) socket.close();
      assert.equal(echo.upgrades.at(-1)?.['x-api-key'], 'ws-key-1');
    } finally {
      await echo.close();
    }
  });

  test('no credential reaches the logs, even at trace level', () => {
    assert.match(logs, /route table updated/, 'the services logged');
    for (const secret of SECRETS) assert.equal(logs.includes(secret), false, secret);
  });

  test('the secrets are sealed in the database, and the key file is private', () => {
    const database = readFileSync(path.join(stack.dataDir, 'registry.db'));
    for (const secret of SECRETS) assert.equal(database.includes(secret), false, secret);
    assert.equal(statSync(path.join(stack.dataDir, CREDENTIALS_KEY_FILE)).mode & 0o777, 0o600);
  });

  test('the route feed carries the opened credential to gateways, behind the internal token', async () => {
    const feed = await fetch(`${stack.registry.url}${ROUTES_FEED_PATH}`, { headers: { [INTERNAL_TOKEN_HEADER]: loadInternalToken(stack.dataDir, {}) } });
    const table = (await feed.json()) as RouteTable;
    assert.deepEqual(table.routes.find((route) => route.path === '/cred-key')?.upstreamHeaders, { 'X-Api-Key': SECRETS[1] });
    assert.equal(table.routes.find((route) => route.path === '/currenttime')?.upstreamHeaders, undefined);
    assert.equal((await fetch(`${stack.registry.url}${ROUTES_FEED_PATH}`)).status, 401);
  });

  test('bad credentials are refused with every problem named', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ auth_scheme: 'bearer' }, 'auth_credential'],
      [{ auth_credential: 'orphan' }, 'auth_credential'],
      [{ auth_scheme: 'api_key', auth_credential: 'k', auth_header_name: 'Host' }, 'auth_header_name'],
      [{ auth_scheme: 'api_key', auth_credential: 'k', auth_header_name: 'bad header' }, 'auth_header_name'],
      [{ auth_scheme: 'custom', auth_headers: { 'X-User': 'admin' } }, 'auth_headers.X-User'],
      [{ auth_scheme: 'custom', auth_headers: {} }, 'auth_headers'],
      [{ auth_scheme: 'bearer', auth_credential: 'line\r\nX-Injected: 1' }, 'auth_credential'],
      [{ auth_scheme: 'basic', auth_credential: 'x' }, 'auth_scheme'],
    ];
    for (const [auth, where] of cases) {
      const response = await stack.register({ server_name: 'bad', path: '/cred-bad', proxy_pass_url: `${upstream.url}/`, ...auth });
      assert.equal(response.status, 400, JSON.stringify(auth));
      const body = (await response.json()) as { error: { code: string; problems: Array<{ path: string }> } };
      assert.equal(body.error.code, 'REGISTRY_INVALID_SERVER');
      assert.ok(body.error.problems.some((problem) => problem.path === where), `${JSON.stringify(auth)}: ${JSON.stringify(body.error.problems)}`);
    }
  });
});

describe('sealing and the credentials key', () => {
  test('a sealed value opens only with its key and in its place; any change is detected', () => {
    const key = randomBytes(32);
    const sealed = seal(key, '{"authorization":"Bearer x"}', 'upstream-credential:/a');
    assert.equal(open(key, sealed, 'upstream-credential:/a'), '{"authorization":"Bearer x"}');
    assert.throws(() => open(key, sealed, 'upstream-credential:/b'), { code: 'REGISTRY_SEAL_BROKEN' });
    assert.throws(() => open(randomBytes(32), sealed, 'upstream-credential:/a'), { code: 'REGISTRY_SEAL_BROKEN' });
    const parts = sealed.split('.');
    parts[3] = `${(parts[3] as string).slice(0, -2)}AA`;
    assert.throws(() => open(key, parts.join('.'), 'upstream-credential:/a'), { code: 'REGISTRY_SEAL_BROKEN' });
    assert.notEqual(seal(key, 'same', 'c'), seal(key, 'same', 'c'), 'a fresh IV every time');
  });

  test('CREDENTIALS_ENCRYPTION_KEY is used when set (base64 or hex), else a key file is created once with mode 0600', () => {
    const temp = makeTempDir();
    try {
      const key = randomBytes(32);
      assert.deepEqual(loadCredentialsKey(temp.dir, { CREDENTIALS_ENCRYPTION_KEY: key.toString('base64') }), key);
      assert.deepEqual(loadCredentialsKey(temp.dir, { CREDENTIALS_ENCRYPTION_KEY: key.toString('hex') }), key);
      assert.throws(() => loadCredentialsKey(temp.dir, { CREDENTIALS_ENCRYPTION_KEY: 'too-short' }), /32-byte key/);
      const created = loadCredentialsKey(temp.dir, {});
      assert.equal(created.length, 32);
      assert.deepEqual(loadCredentialsKey(temp.dir, {}), created);
      assert.equal(statSync(path.join(temp.dir, CREDENTIALS_KEY_FILE)).mode & 0o777, 0o600);
    } finally {
      temp.remove();
    }
  });
});
