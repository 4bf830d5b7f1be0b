import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../support/stack.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { rawRequest } from '../gateway/support/raw-request.js';

const DEFAULT_TIMEOUT_MS = 300;

describe("a server's timeout_seconds, from the registry to the gateway", () => {
  let stack: Stack;
  let upstream: RecordingUpstream;

  before(async () => {
    upstream = await startRecordingUpstream();
    stack = await startStack({ gateway: { upstreamTimeoutMs: DEFAULT_TIMEOUT_MS } });
    for (const [path, extra] of [['/patient', { timeout_seconds: 30 }], ['/hasty', {}]] as const) {
      const registered = await stack.register({ server_name: path.slice(1), path, proxy_pass_url: `${upstream.url}/`, ...extra });
      assert.equal(registered.status, 201, await registered.clone().text());
      await stack.waitForRoute(path);
    }
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const ping = (path: string) =>
    rawRequest(`${stack.gateway.url}${path}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' }),
    });

  test('a server with timeout_seconds may take longer than the gateway default to answer', async () => {
    upstream.handler = (_request, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":5,"result":{}}'), DEFAULT_TIMEOUT_MS * 2);
    };
    const response = await ping('/patient');
    assert.equal(response.status, 200);
  });

  test('a server without one gets the default, then 504 with a JSON-RPC error carrying the id', async () => {
    upstream.handler = () => {};
    const response = await ping('/hasty');
    assert.equal(response.status, 504);
    assert.equal(response.json().id, 5);
    assert.equal(response.json().error.data.code, 'GW_UPSTREAM_TIMEOUT');
  });
});
