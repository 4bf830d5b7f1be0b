import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startStack, type Stack } from '../support/stack.js';
import { withAdministrator } from '../support/scopes.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';

/** Writes raw bytes to the gateway and collects everything it answers until it closes or goes quiet. */
function rawExchange(url: string, bytes: string, quietMs = 400): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      socket.destroy();
      resolve(answer);
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      arm();
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(bytes);
      arm();
    });
  });
}

const statuses = (answer: string) => [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1]));

describe('request smuggling and riding on another request', () => {
  let stack: Stack;
  let upstream: RecordingUpstream;
  let userToken: string;

  before(async () => {
    stack = await startStack({
      scopes: withAdministrator(`
group_mappings:
  callers: [echo/one-tool]
echo/one-tool:
  - server: echo
    tools: [allowed_tool]
`),
    });
    upstream = await startRecordingUpstream();
    assert.equal((await stack.register({ server_name: 'echo', path: '/echo', proxy_pass_url: `${upstream.url}/` })).status, 201);
    await stack.waitForRoute('/echo');
    userToken = await stack.mint.token('carol', ['callers']);
  });
  after(async () => {
    await upstream.close();
    await stack.close();
  });

  const call = (tool: string, id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: {} } });
  const head = (body: string, extra = '') =>
    `POST /echo/mcp HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${userToken}\r\nContent-Type: application/json\r\nAccept: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  test('conflicting Content-Length and Transfer-Encoding are refused; nothing reaches the upstream', async () => {
    upstream.received.length = 0;
    const body = call('allowed_tool', 1);
    const bytes = `POST /echo/mcp HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${userToken}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const answer = await rawExchange(stack.gateway.url, bytes);
    assert.deepEqual(statuses(answer), [400]);
    assert.equal(upstream.received.length, 0);
  });

  test('pipelined requests are each authorised on their own', async () => {
    upstream.received.length = 0;
    const answer = await rawExchange(stack.gateway.url, head(call('allowed_tool', 1)) + head(call('denied_tool', 2)));
    assert.deepEqual(statuses(answer), [200, 403]);
    assert.equal(upstream.received.length, 1);
    assert.match(upstream.received[0]!.body.toString('utf8'), /allowed_tool/);
  });

  test('a request written inside a body stays body bytes', async () => {
    upstream.received.length = 0;
    const hidden = head(call('denied_tool', 4));
    const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'allowed_tool', arguments: { note: hidden } } });
    const answer = await rawExchange(stack.gateway.url, head(body));
    assert.deepEqual(statuses(answer), [200]);
    assert.equal(upstream.received.length, 1);
    assert.equal(upstream.received[0]!.body.toString('utf8'), body);
  });

  test('an absolute-form request target cannot pick another server', async () => {
    upstream.received.length = 0;
    const body = call('allowed_tool', 5);
    const answer = await rawExchange(stack.gateway.url, head(body).replace('POST /echo/mcp', 'POST http://evil.example/echo/mcp'));
    assert.equal(statuses(answer)[0], 400);
    assert.equal(upstream.received.length, 0);
  });

  test('a body shorter than its Content-Length is never forwarded', async () => {
    upstream.received.length = 0;
    const body = call('allowed_tool', 6);
    const bytes = head(body).replace(`Content-Length: ${Buffer.byteLength(body)}`, `Content-Length: ${Buffer.byteLength(body) + 50}`);
    await rawExchange(stack.gateway.url, bytes, 300);
    assert.equal(upstream.received.length, 0);
  });
});
