import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { startAuthCheckServer, type AuthCheckServer } from '../gateway/support/auth-check-server.js';
import { waitFor } from '../gateway/support/gateway-stack.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route, startRouteFeed, TEST_INTERNAL_TOKEN, type RouteFeedServer } from '../gateway/support/route-feed-server.js';
import { freePort } from '../support/free-port.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';

describe('the gateway process on SIGTERM', () => {
  const temp = makeTempDir('mcpgw-sigterm-');
  let upstream: RecordingUpstream;
  let auth: AuthCheckServer;
  let feed: RouteFeedServer;
  let gateway: ChildProcess;
  let url: string;
  let openGate: () => void = () => {};

  before(async () => {
    upstream = await startRecordingUpstream();
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    upstream.handler = (_request, res) => {
      void gate.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{"done":true}}'));
    };
    auth = await startAuthCheckServer(temp.dir);
    feed = await startRouteFeed([route('/slow', `${upstream.url}/`)]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      env: {
        ...process.env,
        GATEWAY_PORT: String(port),
        HOST: '127.0.0.1',
        AUTH_URL: auth.url,
        REGISTRY_URL: feed.url,
        INTERNAL_API_TOKEN: TEST_INTERNAL_TOKEN,
        DATA_DIR: temp.dir,
        GATEWAY_DRAIN_SECONDS: '60',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    await waitFor(async () => {
      try {
        return (await fetch(`${url}/health`)).ok && ((await (await fetch(`${url}/health`)).json()) as { routes: number }).routes === 1;
      } catch {
        return false;
      }
    }, 3000);
  });
  after(async () => {
    openGate();
    if (gateway.exitCode === null) gateway.kill('SIGKILL');
    await Promise.all([upstream.close(), auth.close(), feed.close()]);
    temp.remove();
  });

  test('finishes the request in flight, then exits 0', async () => {
    const token = await (await TokenMint.forDataDir(temp.dir)).token('alice', ['users']);
    const inFlight = rawRequest(`${url}/slow/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}',
    });
    await waitFor(() => upstream.received.length === 1);
    const exited = once(gateway, 'exit');
    gateway.kill('SIGTERM');
    await waitFor(async () => {
      try {
        await fetch(`${url}/health`);
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(gateway.exitCode, null, 'still draining');
    openGate();
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json(), { jsonrpc: '2.0', id: 1, result: { done: true } });
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
