import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { route } from '../gateway/support/route-feed-server.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';

const BODY_TIMEOUT_MS = 400;

/** Sends `head` and then `trickle` (if any) on a raw socket, and answers what the gateway wrote back before closing. */
function slowRequest(port: number, head: string, trickle?: { chunk: string; everyMs: number }): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      if (trickle) timer = setInterval(() => socket.writable && socket.write(trickle.chunk), trickle.everyMs);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (timer) clearInterval(timer);
      resolve({ text, closed: true });
    });
    setTimeout(() => {
      if (timer) clearInterval(timer);
      socket.destroy();
      reject(new Error(`the gateway held the connection: ${JSON.stringify(text.slice(0, 200))}`));
    }, 10_000).unref();
  });
}

describe('slow senders: a body that does not arrive in time gets 408 and the connection is closed; nothing reaches the upstream', () => {
  let upstream: RecordingUpstream;
  let stack: GatewayStack;
  let head: (extra: string) => string;

  before(async () => {
    upstream = await startRecordingUpstream();
    stack = await startGatewayStack([route('/echo', `${upstream.url}/`)], { bodyTimeoutMs: BODY_TIMEOUT_MS });
    head = (extra) => `POST /echo/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.token}\r\nContent-Type: application/json\r\n${extra}\r\n`;
  });
  after(async () => {
    await stack?.close();
    await upstream?.close();
  });

  test('a Content-Length body that stops half way', async () => {
    const { text } = await slowRequest(stack.gateway.port, `${head('Content-Length: 200\r\n')}{"jsonrpc":"2.0","id":7,`);
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.match(text, /GW_BODY_TIMEOUT/);
    assert.equal(upstream.received.length, 0);
  });

  test('a chunked body with no end, trickling a byte at a time', async () => {
    const { text } = await slowRequest(stack.gateway.port, head('Transfer-Encoding: chunked\r\n'), { chunk: '1\r\n \r\n', everyMs: 50 });
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.equal(upstream.received.length, 0);
  });

  test('a body sent at once is not affected', async () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const response = await fetch(`${stack.gateway.url}/echo/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body,
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});
