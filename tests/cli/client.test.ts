import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { pino } from 'pino';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { startExampleServer } from '../../servers/src/start-example-server.js';
import { runMcpgw } from './support/run-mcpgw.js';

/** A real HTTP endpoint that refuses every request as the gateway does, recording what it was sent. */
async function startRefusingEndpoint(status: 401 | 403): Promise<RunningServer & { seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    request.on('end', () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (status === 401) headers['www-authenticate'] = 'Bearer realm="mcp-gateway", error="invalid_token", error_description="the token has expired"';
      response.writeHead(status, headers);
      response.end(JSON.stringify({ jsonrpc: '2.0', id: 0, error: { code: -32000, message: status === 403 ? 'tool not allowed' : 'token expired' } }));
    });
  });
  const running = await listen(server, 0);
  return { ...running, seen };
}

describe('mcpgw client', () => {
  let server: RunningServer;
  before(async () => {
    server = await startExampleServer('currenttime', { port: 0, logger: pino({ level: 'silent' }) });
  });
  after(() => server.close());

  test('list prints the tools as JSON and ends its session', async () => {
    const run = await runMcpgw(['client', 'list', '--url', `${server.url}/mcp`]);
    assert.equal(run.status, 0, run.stderr);
    const { tools } = JSON.parse(run.stdout) as { tools: Array<{ name: string }> };
    assert.deepEqual(tools.map((tool) => tool.name), ['current_time_by_timezone']);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { sessions: { streamableHttp: number } };
    assert.equal(health.sessions.streamableHttp, 0);
  });

  test('ping prints the server it reached', async () => {
    const run = await runMcpgw(['client', 'ping', '--url', `${server.url}/mcp`]);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { ok: boolean; server: { name: string } };
    assert.equal(result.ok, true);
    assert.equal(result.server.name, 'currenttime');
  });

  test('call passes --args to the tool and prints its result', async () => {
    const run = await runMcpgw([
      'client', 'call', '--url', `${server.url}/mcp`, '--tool', 'current_time_by_timezone', '--args', '{"tz_name":"Asia/Kolkata"}',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { content: Array<{ text: string }>; isError?: boolean };
    assert.notEqual(result.isError, true);
    assert.match(result.content[0]?.text ?? '', /GMT\+05:30/);
  });

  test('a tool error result is printed and exits 1', async () => {
    const run = await runMcpgw([
      'client', 'call', '--url', `${server.url}/mcp`, '--tool', 'current_time_by_timezone', '--args', '{"tz_name":"Nowhere/Special"}',
    ]);
    assert.equal(run.status, 1);
    assert.equal((JSON.parse(run.stdout) as { isError?: boolean }).isError, true);
  });

  for (const [label, extra] of [
    ['without --tool', []],
    ['with --args that are not JSON', ['--tool', 'current_time_by_timezone', '--args', '{tz']],
    ['with --args that are not an object', ['--tool', 'current_time_by_timezone', '--args', '[1]']],
  ] as const) {
    test(`call ${label} exits 64`, async () => {
      const run = await runMcpgw(['client', 'call', '--url', `${server.url}/mcp`, ...extra]);
      assert.equal(run.status, 64);
    });
  }

  test('without --url or with an unknown subcommand exits 64', async () => {
    assert.equal((await runMcpgw(['client', 'list'])).status, 64);
    assert.equal((await runMcpgw(['client', 'watch', '--url', `${server.url}/mcp`])).status, 64);
  });

  for (const status of [401, 403] as const) {
    test(`a refused request (HTTP ${status}) prints the status and reason and exits 2`, async () => {
      const endpoint = await startRefusingEndpoint(status);
      try {
        const run = await runMcpgw(['client', 'list', '--url', `${endpoint.url}/currenttime/mcp`, '--token', 'token-from-flag']);
        assert.equal(run.status, 2);
        assert.match(run.stderr, /\[CLI_REFUSED\]/);
        assert.ok(run.stderr.includes(`HTTP ${status}`), run.stderr);
        assert.ok(run.stderr.includes(status === 403 ? 'tool not allowed' : 'token expired'), run.stderr);
        assert.equal(endpoint.seen[0]?.authorization, 'Bearer token-from-flag');
      } finally {
        await endpoint.close();
      }
    });
  }

  test('MCPGW_TOKEN is sent as the bearer token when --token is absent', async () => {
    const endpoint = await startRefusingEndpoint(403);
    try {
      const run = await runMcpgw(['client', 'ping', '--url', `${endpoint.url}/mcp`], { MCPGW_TOKEN: 'token-from-env' });
      assert.equal(run.status, 2);
      assert.equal(endpoint.seen[0]?.authorization, 'Bearer token-from-env');
    } finally {
      await endpoint.close();
    }
  });

  test('an unreachable server exits 1', async () => {
    const endpoint = await startRefusingEndpoint(403);
    const url = `${endpoint.url}/mcp`;
    await endpoint.close();
    const run = await runMcpgw(['client', 'ping', '--url', url]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /\[CLI_UNREACHABLE\]/);
  });
});
