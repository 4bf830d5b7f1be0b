import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { startStack, type Stack } from '../support/stack.js';
import { startRecordingUpstream } from '../support/recording-upstream.js';

const toolCall = (id: number, name: string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

describe('what reaches the upstream, and what happens when a part fails', () => {
  let stack: Stack;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;

  before(async () => {
    stack = await startStack();
    upstream = await startRecordingUpstream();
    assert.equal((await stack.register({ server_name: 'echo', path: '/echo', proxy_pass_url: `${upstream.url}/base` })).status, 201);
    await stack.waitForRoute('/echo');
  });
  after(async () => {
    await upstream.close();
    await stack.close();
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${stack.gateway.url}/echo/mcp?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body,
    });

  test('the exact bytes, the rewritten path and only the auth-server identity reach the upstream', async () => {
    upstream.received.length = 0;
    const body = `{ "jsonrpc": "2.0", "id": 41,   "method": "tools/call", "params": {"name": "anything", "arguments": {"a": "ü"}} }`;
    const response = await post(
      {
        authorization: `Bearer ${stack.adminToken}`,
        'X-User': 'root',
        x_user: 'root',
        'X-Scopes': 'everything',
        X_GROUPS: 'admins',
        'x-auth-method': 'forged',
        'X-Username': 'root',
      },
      body,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { jsonrpc: '2.0', id: 41, result: { path: '/base/mcp?x=1' } });
    const [received] = upstream.received;
    assert.ok(received);
    assert.equal(received.url, '/base/mcp?x=1');
    assert.equal(received.body.toString('utf8'), body);
    assert.equal(received.headers['x-user'], 'admin');
    assert.equal(received.headers['x-username'], 'admin');
    assert.equal(received.headers['x-auth-method'], 'registry-token');
    assert.equal(received.headers['x-groups'], 'mcp-registry-admin');
    assert.equal(received.headers.authorization, undefined, 'the ingress token never reaches the upstream');
    const names = received.rawHeaders.filter((_, index) => index % 2 === 0).map((name) => name.toLowerCase().replace(/_/g, '-'));
    assert.equal(names.filter((name) => name === 'x-user').length, 1, 'one X-User, the gateway\'s');
    assert.equal(names.filter((name) => name === 'x-scopes').length, 1);
    assert.equal(names.filter((name) => name === 'x-groups').length, 1);
  });

  test('with X-Authorization for the gateway, Authorization passes to the upstream untouched', async () => {
    upstream.received.length = 0;
    const response = await post({ 'x-authorization': `Bearer ${stack.adminToken}`, authorization: 'Bearer upstream-own-credential' }, toolCall(2, 'x'));
    assert.equal(response.status, 200);
    const [received] = upstream.received;
    assert.equal(received?.headers.authorization, 'Bearer upstream-own-credential');
    assert.equal(received?.headers['x-authorization'], undefined);
  });

  test('a refused call never reaches the upstream', async () => {
    upstream.received.length = 0;
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const response = await post({ authorization: `Bearer ${token}` }, toolCall(3, 'anything'));
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as { id: unknown }).id, 3);
    assert.equal(upstream.received.length, 0);
  });

  test('an oversized body answers 413 and nothing is forwarded', async () => {
    upstream.received.length = 0;
    const big = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'x', arguments: { blob: 'a'.repeat(5 * 1024 * 1024) } } });
    const response = await post({ authorization: `Bearer ${stack.adminToken}` }, big);
    assert.equal(response.status, 413);
    assert.equal(upstream.received.length, 0);
  });

  test('an edit of scopes.yml changes what the gateway lets through, without a restart', async () => {
    const token = await stack.mint.token('erin', ['echo-users']);
    assert.equal((await post({ authorization: `Bearer ${token}` }, toolCall(5, 'ping_echo'))).status, 403);
    const original = readFileSync(stack.scopesFile, 'utf8');
    writeFileSync(
      stack.scopesFile,
      original.replace('group_mappings:\n', 'group_mappings:\n  echo-users: [echo/callers]\n') +
        '\necho/callers:\n  - server: echo\n    tools: [ping_echo]\n',
    );
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
      status = (await post({ authorization: `Bearer ${token}` }, toolCall(6, 'ping_echo'))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 200);
  });

  test('the gateway keeps its routes when the registry goes down', async () => {
    await stack.registry.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await post({ authorization: `Bearer ${stack.adminToken}` }, toolCall(7, 'x'));
    assert.equal(response.status, 200);
  });

  test('the gateway fails closed with 503 when the auth-server is down', async () => {
    upstream.received.length = 0;
    await stack.auth.close();
    const response = await post({ authorization: `Bearer ${stack.adminToken}` }, toolCall(8, 'x'));
    assert.equal(response.status, 503);
    const body = (await response.json()) as { id: unknown };
    assert.equal(body.id, 8);
    assert.equal(upstream.received.length, 0);
  });
});
