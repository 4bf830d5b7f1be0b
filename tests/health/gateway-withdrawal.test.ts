import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectClient } from '../support/mcp-client.js';
import { startStack } from '../support/stack.js';
import { eventually } from '../registry/support/test-registry.js';
import { startControllableUpstream } from './support/controllable-upstream.js';

test('the gateway stops routing to a server the health checks withdrew, and routes it again when it is back', async (t) => {
  const stack = await startStack();
  t.after(() => stack.close());
  const upstream = await startControllableUpstream();
  t.after(() => upstream.close());
  const refresh = async (path: string) => {
    const response = await stack.registryApi('POST', `/api/servers${path}/refresh`);
    assert.equal(response.status, 200);
    return ((await response.json()) as { health: { status: string; routed: boolean } }).health;
  };

  assert.equal((await stack.register({ server_name: 'calc', path: '/calc', proxy_pass_url: upstream.url })).status, 201);
  await stack.waitForRoute('/calc');
  assert.equal((await refresh('/calc')).status, 'healthy');

  await upstream.stop();
  for (let check = 1; check <= 3; check += 1) assert.equal((await refresh('/calc')).routed, check < 3, `after failure ${check}`);
  await stack.waitForRoute('/calc', (_status, code) => code === 'GW_ROUTE_NOT_FOUND');

  await upstream.start();
  assert.equal((await refresh('/calc')).routed, false);
  assert.equal((await refresh('/calc')).routed, true);
  await stack.waitForRoute('/calc');
  const client = await connectClient(`${stack.gateway.url}/calc/mcp`, stack.adminToken);
  t.after(() => client.close());
  assert.equal((await client.listTools()).tools.length, 2, 'the first page through the gateway');

  for (const example of ['/currenttime', '/notes']) {
    await eventually(async () => (await stack.registryApi('GET', `/api/servers${example}/security-scan`)).status === 200, `the scan of ${example}`);
    const scan = (await (await stack.registryApi('GET', `/api/servers${example}/security-scan`)).json()) as { status: string; findings: unknown[] };
    assert.deepEqual([scan.status, scan.findings], ['passed', []], `the shipped example ${example} passes its scan`);
  }
});
