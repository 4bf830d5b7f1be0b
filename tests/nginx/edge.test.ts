import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { startStack, type Stack } from '../support/stack.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { freePort } from '../support/free-port.js';
import { makeTempDir } from '../support/temp-dir.js';
import { makeSelfSignedCertificate, nginxAvailable, renderTemplate, startNginx, type RunningNginx } from '../support/nginx.js';

const run = promisify(execFile);
const skip = !nginxAvailable() && process.env.CI !== 'true' ? 'Debian nginx is not installed (apt-get install nginx-light); CI installs it' : false;

describe('the nginx TLS edge (nginx/templates/edge.conf.template) with real nginx', { skip }, () => {
  const temp = makeTempDir('mcpgw-nginx-');
  let stack: Stack;
  let nginx: RunningNginx;
  let slow: RecordingUpstream;
  let ca: Buffer;
  let certFile: string;
  let httpsPort: number;
  let httpPort: number;
  let releaseLastEvent: () => void = () => undefined;

  before(async () => {
    stack = await startStack();
    slow = await startRecordingUpstream();
    slow.handler = (request, res) => {
      if (request.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('id: 1\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\n\n');
      releaseLastEvent = () => res.end('id: 2\ndata: {"jsonrpc":"2.0","id":1,"result":{"done":true}}\n\n');
    };
    assert.equal((await stack.register({ server_name: 'slow', path: '/slow', proxy_pass_url: `${slow.url}/` })).status, 201);
    await stack.waitForRoute('/slow');

    const { cert, key } = makeSelfSignedCertificate(temp.dir);
    certFile = cert;
    ca = readFileSync(cert);
    httpsPort = await freePort();
    httpPort = await freePort();
    const config = renderTemplate('nginx/templates/edge.conf.template', {
      GATEWAY_UPSTREAM: new URL(stack.gateway.url).host,
      REGISTRY_UPSTREAM: new URL(stack.registry.url).host,
      EDGE_HTTP_PORT: `127.0.0.1:${httpPort}`,
      EDGE_HTTPS_PORT: `127.0.0.1:${httpsPort}`,
      EDGE_PUBLIC_HTTPS_PORT: String(httpsPort),
      SERVER_NAME: 'localhost',
      SSL_CERTIFICATE: cert,
      SSL_CERTIFICATE_KEY: key,
      CLIENT_MAX_BODY: '4m',
    });
    nginx = await startNginx(temp.dir, config, httpsPort);
  });

  after(async () => {
    releaseLastEvent();
    await nginx?.stop();
    await slow?.close();
    await stack?.close();
    temp.remove();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port: httpsPort, method, path, headers, ca, servername: 'localhost' }, resolve);
      request.once('error', reject);
      request.end(body);
    });
  const readAll = async (response: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const mcpgw = (args: string[]) =>
    run(process.execPath, ['scripts/bin/mcpgw.js', ...args], { env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile } }).then(
      (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  test('plain HTTP is redirected to HTTPS', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: httpPort, path: '/currenttime/mcp', headers: { host: 'localhost' } }, resolve).once('error', reject).end();
    });
    response.resume();
    assert.equal(response.statusCode, 301);
    assert.equal(response.headers.location, `https://localhost:${httpsPort}/currenttime/mcp`);
  });

  test('Let\'s Encrypt challenges are answered over plain HTTP, not redirected', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: httpPort, path: '/.well-known/acme-challenge/no-such-token', headers: { host: 'localhost' } }, resolve).once('error', reject).end();
    });
    response.resume();
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers.location, undefined);
  });

  test('nginx answers its own health check over plain HTTP', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: httpPort, path: '/nginx-health' }, resolve).once('error', reject).end();
    });
    assert.equal(response.statusCode, 200);
    assert.equal(await readAll(response), 'ok\n');
  });

  test('an MCP SDK client (the mcpgw CLI) reaches currenttime over TLS through the edge and the gateway', async () => {
    const url = `https://localhost:${httpsPort}/currenttime/mcp`;
    const result = await mcpgw(['client', 'call', '--url', url, '--token', stack.adminToken, '--tool', 'current_time_by_timezone', '--args', '{"tz_name":"UTC"}']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\d{2}:\d{2}/);
  });

  test('a denied tool call is refused with 403 through the edge', async () => {
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const result = await mcpgw(['client', 'call', '--url', `https://localhost:${httpsPort}/notes/mcp`, '--token', token, '--tool', 'add_note', '--args', '{"title":"t","body":"b"}']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /403/);
  });

  test('an SSE answer is streamed: the first event arrives before the upstream sends the last', async () => {
    const response = await send(
      'POST',
      '/slow/mcp',
      { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: 'localhost' },
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'long', arguments: {} } }),
    );
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /text\/event-stream/);
    const firstChunk = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the first event did not arrive while the stream was open: something buffers')), 5000);
      response.once('data', (chunk: Buffer) => {
        clearTimeout(timer);
        resolve(chunk.toString('utf8'));
      });
    });
    assert.match(firstChunk, /notifications\/progress/);
    releaseLastEvent();
    const rest = await readAll(response);
    assert.match(rest, /"done":true/);
  });

  test('client-supplied X-Forwarded-For and identity headers never reach the upstream; the request id does', async () => {
    slow.received.length = 0;
    const saved = slow.handler;
    slow.handler = (_request, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
    try {
      const response = await send(
        'POST',
        '/slow/mcp',
        {
          authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', accept: 'application/json', host: 'localhost',
          'x-forwarded-for': '203.0.113.9', 'x-user': 'root', 'x-request-id': 'edge-test-0001',
        },
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      );
      await readAll(response);
      assert.equal(response.statusCode, 200);
      const [received] = slow.received;
      assert.ok(received);
      assert.doesNotMatch(String(received.headers['x-forwarded-for']), /203\.0\.113\.9/);
      assert.equal(received.headers['x-forwarded-proto'], 'https');
      assert.equal(received.headers['x-user'], 'admin');
      assert.equal(received.headers['x-request-id'], 'edge-test-0001');
      assert.equal(response.headers['strict-transport-security'], 'max-age=63072000; includeSubDomains');
    } finally {
      slow.handler = saved;
    }
  });

  test('the registry API and the MCP Registry API are reachable through the edge; the internal route feed is not', async () => {
    const api = await send('GET', '/api/servers', { authorization: `Bearer ${stack.adminToken}`, host: 'localhost' });
    const body = JSON.parse(await readAll(api)) as { servers: Array<{ path: string }> };
    assert.equal(api.statusCode, 200);
    assert.ok(body.servers.some((server) => server.path === '/currenttime'));
    const registryApi = await send('GET', '/v0.1/servers', { authorization: `Bearer ${stack.adminToken}`, host: 'localhost' });
    const listing = JSON.parse(await readAll(registryApi)) as { servers: unknown[] };
    assert.equal(registryApi.statusCode, 200);
    assert.ok(listing.servers.length >= 2);
    const card = await send('GET', '/.well-known/mcp-registry', { host: 'localhost' });
    await readAll(card);
    assert.equal(card.statusCode, 200);
    const internal = await send('GET', '/internal/routes', { host: 'localhost' });
    await readAll(internal);
    assert.equal(internal.statusCode, 404);
  });

  test('the access log is JSON with the request id', async () => {
    const lines = nginx.accessLog().trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { request_id: string; status: number });
    assert.ok(lines.length > 0);
    assert.ok(lines.some((line) => line.request_id === 'edge-test-0001'));
  });
});
