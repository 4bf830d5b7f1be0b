import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { runMcpgw } from '../cli/support/run-mcpgw.js';
import { applyNginxConfig } from '../../registry/src/nginx/apply-nginx-config.js';
import { nginxDataPlaneSettings } from '../../registry/src/nginx/nginx-data-plane-settings.js';
import { startStack, type Stack } from '../support/stack.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { freePort } from '../support/free-port.js';
import { makeTempDir } from '../support/temp-dir.js';
import { NGINX_BINARY, NJS_MODULE, nginxArguments, nginxAvailable, njsAvailable, startNginx, writeNginxConfig, type RunningNginx } from '../support/nginx.js';

const skip =
  !(nginxAvailable() && njsAvailable()) && process.env.CI !== 'true'
    ? 'Debian nginx with njs is not installed (apt-get install nginx-light libnginx-mod-http-js); CI installs it'
    : false;

describe('the nginx data plane rendered by the registry, with real nginx, auth-server and MCP servers', { skip }, () => {
  const temp = makeTempDir('mcpgw-dp-');
  const configFile = path.join(temp.dir, 'conf.d', 'mcpgw-dataplane.conf');
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString('utf8')));
  let stack: Stack;
  let nginx: RunningNginx;
  let slow: RecordingUpstream;
  let port: number;
  let base: string;
  let releaseLastEvent: () => void = () => undefined;

  /** Resolves once nginx routes `serverPath` (the inner half no longer answers its 404). */
  const waitForNginxRoute = async (serverPath: string): Promise<void> => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const response = await fetch(`${base}${serverPath}/mcp`, { method: 'DELETE' }).catch(() => undefined);
      const text = response === undefined ? '' : await response.text();
      if (response !== undefined && response.status !== 404 && !text.includes('GW_ROUTE_NOT_FOUND')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nginx never routed ${serverPath}; registry log:\n${logText}`);
  };

  before(async () => {
    port = await freePort();
    chmodSync(temp.dir, 0o755); // nginx's workers (nobody) reach the inner socket in it
    base = `http://127.0.0.1:${port}`;
    // nginx.conf includes whatever the registry renders into conf.d; it exists before the registry's first render.
    writeNginxConfig(temp.dir, `include ${path.join(temp.dir, 'conf.d')}/*.conf;`, { main: `load_module ${NJS_MODULE};` });
    stack = await startStack({
      logStream: logs,
      nginxDataPlane: {
        configFile,
        listen: `127.0.0.1:${port}`,
        socket: path.join(temp.dir, 'inner.sock'),
        command: [NGINX_BINARY, ...nginxArguments(temp.dir)].join(' '),
      },
    });
    slow = await startRecordingUpstream();
    slow.handler = (request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('id: 1\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\n\n');
      releaseLastEvent = () => res.end(`id: 2\ndata: {"jsonrpc":"2.0","id":1,"result":{"done":true,"user":"${String(request.headers['x-user'])}"}}\n\n`);
    };
    assert.equal((await stack.register({ server_name: 'slow', path: '/slow', proxy_pass_url: `${slow.url}/` })).status, 201);
    nginx = await startNginx(temp.dir, `include ${path.join(temp.dir, 'conf.d')}/*.conf;`, port, { main: `load_module ${NJS_MODULE};` });
    await waitForNginxRoute('/slow');
  });

  after(async () => {
    releaseLastEvent();
    await nginx?.stop();
    await slow?.close();
    await stack?.close();
    temp.remove();
  });

  const post = (serverPath: string, headers: Record<string, string>, body: unknown): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: `${serverPath}/mcp`, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
        resolve,
      );
      request.once('error', reject);
      request.end(JSON.stringify(body));
    });
  const readAll = async (response: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  test('the rendered file has a location per registered server, each behind auth_request', () => {
    const config = readFileSync(configFile, 'utf8');
    for (const serverPath of ['/currenttime', '/notes', '/slow']) {
      assert.match(config, new RegExp(`location ${serverPath}/ \\{\\n\\s+auth_request /_mcpgw/check/\\d+;`));
      assert.match(config, new RegExp(`proxy_set_header X-Server-Path ${serverPath};`));
    }
    assert.match(readFileSync(configFile.replace(/\.conf$/, '.js'), 'utf8'), /requestBodyBase64/);
  });

  test('an MCP SDK client lists and calls tools of currenttime through nginx and the auth-server', async () => {
    const client = await connectClient(`${base}/currenttime/mcp`, stack.adminToken);
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'current_time_by_timezone'));
      const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
      assert.notEqual(result.isError, true);
      assert.match(JSON.stringify(result.content), /\d{2}:\d{2}/);
    } finally {
      await client.close();
    }
  });

  test('a tool call scopes.yml denies is refused with 403; an allowed one by the same caller goes through', async () => {
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const client = await connectClient(`${base}/notes/mcp`, token);
    try {
      assert.equal(await httpStatusOfFailure(client.callTool({ name: 'add_note', arguments: { title: 't', body: 'b' } })), 403);
      const listed = await client.callTool({ name: 'list_notes', arguments: {} });
      assert.notEqual(listed.isError, true);
    } finally {
      await client.close();
    }
  });

  test('check headers a client sends cannot describe the request in place of its body', async () => {
    slow.received.length = 0;
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const ping = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })).toString('base64');
    const response = await post(
      '/notes',
      { authorization: `Bearer ${token}`, 'x-mcp-method': 'ping', 'x-mcp-methods': 'ping', 'x-body': ping },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_note', arguments: { title: 't', body: 'b' } } },
    );
    const body = await readAll(response);
    assert.equal(response.statusCode, 403, body);
  });

  test('no token: 401 with the auth-server challenge', async () => {
    const response = await post('/currenttime', {}, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const body = JSON.parse(await readAll(response)) as { error: { code: number } };
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /^Bearer /);
    assert.equal(body.error.code, -32001);
  });

  test('an SSE answer streams unbuffered and survives a reload for a newly registered server', async () => {
    slow.received.length = 0;
    const response = await post(
      '/slow',
      { authorization: `Bearer ${stack.adminToken}`, 'x-user': 'root', 'x-request-id': 'dp-test-0001', cookie: 'upstream-session=1' },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'long', arguments: {} } },
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

    const before = readFileSync(configFile, 'utf8');
    assert.equal((await stack.register({ server_name: 'later', path: '/later', proxy_pass_url: `${stack.upstreams.currenttime.url}/` })).status, 201);
    await waitForNginxRoute('/later');
    assert.notEqual(readFileSync(configFile, 'utf8'), before);

    releaseLastEvent();
    const rest = await readAll(response);
    assert.match(rest, /"done":true/);

    const [received] = slow.received;
    assert.ok(received);
    assert.equal(received.headers['x-user'], 'admin', 'the identity is the auth-server\'s, not the client\'s');
    assert.equal(received.headers.authorization, undefined, 'the ingress token stays behind');
    assert.equal(received.headers['x-body'], undefined);
    assert.equal(received.headers['x-request-id'], 'dp-test-0001');
    assert.equal(received.headers.cookie, 'upstream-session=1', 'cookies pass to the upstream, as through the gateway');
    assert.equal(received.url, '/mcp');
  });

  test('a legacy SSE client works through nginx: the endpoint event is rewritten under the server path', async () => {
    const headers = { authorization: `Bearer ${stack.adminToken}` };
    const transport = new SSEClientTransport(new URL(`${base}/currenttime/sse`), {
      requestInit: { headers },
      eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
    });
    const raw = await fetch(`${base}/currenttime/sse`, { headers: { ...headers, accept: 'text/event-stream' } });
    const reader = raw.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    await reader?.cancel();
    assert.match(first, /event: endpoint\ndata: \/currenttime\/messages\?sessionId=/);
    const client = new Client({ name: 'legacy-client', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
      assert.notEqual(result.isError, true);
    } finally {
      await client.close();
    }
  });

  test('a configuration nginx refuses is taken back: the file and the running data plane stay as they were', async () => {
    const before = readFileSync(configFile, 'utf8');
    const settings = nginxDataPlaneSettings({
      configFile,
      listen: `127.0.0.1:${port}`,
      socket: path.join(temp.dir, 'inner.sock'),
      authUrl: stack.auth.url,
      command: [NGINX_BINARY, ...nginxArguments(temp.dir)].join(' '),
    });
    await assert.rejects(applyNginxConfig(settings, 'server { listen 127.0.0.1:1; no_such_directive on; }\n'), (error: { code?: string; message: string }) => {
      assert.equal(error.code, 'REGISTRY_NGINX_CONFIG_INVALID');
      assert.match(error.message, /no_such_directive/);
      return true;
    });
    assert.equal(readFileSync(configFile, 'utf8'), before);
    const client = await connectClient(`${base}/currenttime/mcp`, stack.adminToken);
    await client.close();
  });

  test('GET /api/nginx/dataplane renders the same configuration for an administrator and refuses others', async () => {
    const answer = await stack.registryApi('GET', '/api/nginx/dataplane');
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { config: string; script: string; skipped: unknown[] };
    assert.equal(body.config, readFileSync(configFile, 'utf8'));
    assert.match(body.script, /requestBodyBase64/);
    const token = await stack.mint.token('bob', ['mcp-registry-user']);
    const refused = await fetch(`${stack.registry.url}/api/nginx/dataplane`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'REGISTRY_FORBIDDEN');
  });

  test('mcpgw nginx render prints the same configuration and njs module; a caller without modify_service is refused', async () => {
    const config = await runMcpgw(['nginx', 'render', '--url', stack.registry.url], { MCPGW_TOKEN: stack.adminToken });
    assert.equal(config.status, 0, config.stderr);
    assert.equal(config.stdout, readFileSync(configFile, 'utf8'));
    const script = await runMcpgw(['nginx', 'render', '--script', '--url', stack.registry.url, '--token', stack.adminToken]);
    assert.equal(script.stdout, readFileSync(configFile.replace(/\.conf$/, '.js'), 'utf8'));
    const refused = await runMcpgw(['nginx', 'render', '--url', stack.registry.url, '--token', await stack.mint.token('bob', ['mcp-registry-user'])]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /REGISTRY_FORBIDDEN/);
  });
});
