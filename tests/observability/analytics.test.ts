import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { INTERNAL_TOKEN_HEADER, loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { connectClient } from '../support/mcp-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { startMcpUpstream, type McpUpstream } from '../gateway/support/mcp-upstream.js';
import { scrape } from './support/scrape.js';

const SERVER = '/observed';

interface Answer<T> {
  from: string;
  to: string;
  items: T[];
}

describe('usage analytics and the audit log, fed by real traffic', () => {
  let stack: Stack;
  let upstream: McpUpstream;
  let viewerToken: string;

  const api = async <T>(token: string, apiPath: string): Promise<Answer<T>> => {
    const response = await fetch(`${stack.registry.url}${apiPath}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Answer<T>;
  };
  /** Asks until `done` holds: records reach the registry in batches. */
  const until = async <T>(token: string, apiPath: string, done: (items: T[]) => boolean): Promise<T[]> => {
    // Generous: on a loaded machine a batch may wait behind other work; a healthy run takes a few tries.
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const { items } = await api<T>(token, apiPath);
      if (done(items)) return items;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${apiPath} never showed the expected usage`);
  };

  before(async () => {
    stack = await startStack();
    upstream = await startMcpUpstream({ enableJsonResponse: true });
    const registered = await stack.register({
      server_name: 'observed',
      path: SERVER,
      proxy_pass_url: `${upstream.url}/`,
      description: 'an upstream with registered tools',
      supported_transports: ['streamable-http'],
      tool_list: [{ name: 'echo' }],
    });
    assert.equal(registered.status, 201);
    await stack.waitForRoute(SERVER);
    for (const [apiPath, body] of [
      ['/api/scopes/ui/currenttime-viewer', { actions: { list_service: ['currenttime'] } }],
      ['/api/scopes/groups/currenttime-viewers', { scopes: ['currenttime-viewer', 'mcp-servers-restricted/read'] }],
    ] as const) {
      const edited = await stack.registryApi('PUT', apiPath, body);
      assert.equal(edited.status, 200, await edited.text());
    }
    viewerToken = await stack.mint.token('viewer', ['currenttime-viewers'], { clientId: 'viewer-app' });

    const admin = await connectClient(`${stack.gateway.url}${SERVER}/mcp`, stack.adminToken);
    try {
      for (const text of ['a', 'b', 'c']) await admin.callTool({ name: 'echo', arguments: { text } });
      await admin.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    } finally {
      await admin.close();
    }
    const viewer = await connectClient(`${stack.gateway.url}/currenttime/mcp`, viewerToken);
    try {
      await viewer.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
    } finally {
      await viewer.close();
    }
    const forged = await stack.mint.forged('mallory', ['mcp-registry-admin']);
    const refused = await fetch(`${stack.gateway.url}${SERVER}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    assert.equal(refused.status, 401);
  });
  after(async () => {
    await stack?.close();
    await upstream?.close();
  });

  test('top tools and success rates count the calls that went through the gateway', async () => {
    type Tool = { serverPath: string; tool: string; calls: number; failures: number; successRate: number };
    // Records arrive in batches from two reporters: wait until the last call of each is in.
    const tools = await until<Tool>(stack.adminToken, '/api/analytics/top-tools', (items) =>
      items.some((item) => item.tool === 'add') && items.some((item) => item.tool === 'current_time_by_timezone'));
    assert.deepEqual(tools[0], { serverPath: SERVER, tool: 'echo', calls: 3, failures: 0, successRate: 1 });
    assert.ok(tools.some((item) => item.serverPath === '/currenttime' && item.tool === 'current_time_by_timezone' && item.calls === 1));
    const limited = await api<Tool>(stack.adminToken, '/api/analytics/top-tools?limit=1');
    assert.equal(limited.items.length, 1);
    const rates = await api<{ serverPath: string; calls: number; successRate: number }>(stack.adminToken, '/api/analytics/success-rates');
    assert.deepEqual(rates.items.find((item) => item.serverPath === SERVER), { serverPath: SERVER, calls: 4, failures: 0, successRate: 1 });
  });

  test('latency percentiles per server and tool, and usage per client', async () => {
    const latency = await api<{ serverPath: string; tool: string; count: number; p50Ms: number; p95Ms: number; p99Ms: number }>(stack.adminToken, '/api/analytics/latency');
    const echo = latency.items.find((item) => item.serverPath === SERVER && item.tool === 'echo');
    assert.equal(echo?.count, 3);
    assert.ok(echo.p50Ms > 0 && echo.p50Ms <= echo.p95Ms && echo.p95Ms <= echo.p99Ms);
    const clients = await until<{ clientId: string | null; toolCalls: number; authChecks: number }>(stack.adminToken, '/api/analytics/clients', (items) => items.some((item) => item.clientId === 'viewer-app' && item.authChecks > 0));
    assert.equal(clients.find((item) => item.clientId === 'mcpgw-cli')?.toolCalls, 4);
    assert.equal(clients.find((item) => item.clientId === 'viewer-app')?.toolCalls, 1);
  });

  test('auth failure reasons come from the auth-server', async () => {
    const reasons = await until<{ reason: string; count: number }>(stack.adminToken, '/api/analytics/auth-failures', (items) => items.length > 0);
    assert.ok(reasons.every((item) => /^AUTH_[A-Z_]+$/.test(item.reason)), JSON.stringify(reasons));
    assert.ok(reasons.reduce((sum, item) => sum + item.count, 0) >= 1);
  });

  test('a caller sees the usage of the servers it may list, and nothing else', async () => {
    const tools = await api<{ serverPath: string; tool: string }>(viewerToken, '/api/analytics/top-tools');
    assert.deepEqual(tools.items.map((item) => `${item.serverPath} ${item.tool}`), ['/currenttime current_time_by_timezone']);
    const clients = await api<{ clientId: string; toolCalls: number }>(viewerToken, '/api/analytics/clients');
    assert.ok(clients.items.every((item) => item.clientId !== 'mcpgw-cli' || item.toolCalls === 0), JSON.stringify(clients.items));
    const failures = await api<{ reason: string }>(viewerToken, '/api/analytics/auth-failures');
    assert.deepEqual(failures.items, []);
    const stranger = await stack.mint.token('stranger', []);
    const refused = await fetch(`${stack.registry.url}/api/analytics/top-tools`, { headers: { authorization: `Bearer ${stranger}` } });
    assert.equal(refused.status, 403);
  });

  test('registry searches are recorded as discovery queries, per client', async () => {
    const before = (await api<{ clientId: string | null; discoveryQueries: number }>(stack.adminToken, '/api/analytics/clients')).items.find((item) => item.clientId === 'mcpgw-cli')?.discoveryQueries ?? 0;
    for (const q of ['time', 'notes']) {
      const searched = await fetch(`${stack.registry.url}/api/search?q=${q}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
      assert.equal(searched.status, 200);
      await searched.body?.cancel();
    }
    const clients = await until<{ clientId: string | null; discoveryQueries: number }>(stack.adminToken, '/api/analytics/clients', (items) =>
      items.some((item) => item.clientId === 'mcpgw-cli' && item.discoveryQueries >= before + 2));
    assert.equal(clients.find((item) => item.clientId === 'mcpgw-cli')?.discoveryQueries, before + 2);
  });

  test('a time range outside the traffic is empty, and a bad one is refused with its code', async () => {
    const old = await api<unknown>(stack.adminToken, '/api/analytics/top-tools?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
    assert.deepEqual(old, { from: '2020-01-01T00:00:00.000Z', to: '2020-01-02T00:00:00.000Z', items: [] });
    for (const query of ['from=yesterday', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'limit=0', 'period=week']) {
      const response = await fetch(`${stack.registry.url}/api/analytics/top-tools?${query}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
      assert.equal(response.status, 400, query);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'REGISTRY_INVALID_QUERY');
    }
  });

  test('the ingest endpoint takes only the internal token and only valid batches, storing nothing of a bad one', async () => {
    const internalToken = loadInternalToken(stack.dataDir, {});
    const url = `${stack.registry.url}/internal/usage`;
    const good = { kind: 'tool', at: new Date().toISOString(), serverPath: '/x', tool: 't', clientId: null, success: true, reason: null, durationMs: 1 };
    const without = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: [good] }) });
    assert.equal(without.status, 401);
    const storedBefore = (await scrape(`${stack.registry.url}/metrics`)).value('mcp_usage_records_total', { outcome: 'stored' });
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: internalToken },
      body: JSON.stringify({ records: [good, { ...good, kind: 'nonsense', user: 'alice' }] }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'REGISTRY_INVALID_USAGE');
    const storedAfter = (await scrape(`${stack.registry.url}/metrics`)).value('mcp_usage_records_total', { outcome: 'stored' });
    assert.equal(storedAfter, storedBefore);
  });

  test('administrative actions are in the audit log with who, what, when, before and after, as JSON lines', async () => {
    const toggled = await stack.registryApi('POST', `/api/servers${SERVER}/toggle`, { enabled: false });
    assert.equal(toggled.status, 200);
    const response = await fetch(`${stack.registry.url}/api/audit`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { actor: string; action: string; target: string; at: string; before: any; after: any });
    const registration = lines.find((entry) => entry.action === 'server.register' && entry.target === SERVER);
    assert.equal(registration?.actor, 'admin/mcpgw-cli');
    assert.equal(registration.before, null);
    assert.equal(registration.after.path, SERVER);
    assert.ok(!Number.isNaN(Date.parse(registration.at)));
    const toggle = await waitForEntry(stack, (entry) => entry.action === 'server.toggle');
    assert.deepEqual([toggle.before.enabled, toggle.after.enabled], [true, false]);
    const scopesEdit = lines.find((entry) => entry.action === 'scopes.put' && entry.target === 'scopes.yml:groups/currenttime-viewers');
    assert.ok(scopesEdit && !scopesEdit.before.text.includes('currenttime-viewers:') && scopesEdit.after.text.includes('currenttime-viewers'));

    const viewerSees = await fetch(`${stack.registry.url}/api/audit`, { headers: { authorization: `Bearer ${viewerToken}` } });
    assert.equal(viewerSees.status, 200);
    const seen = (await viewerSees.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { action: string; target: string });
    assert.deepEqual(seen.map((entry) => `${entry.action} ${entry.target}`), ['server.register /currenttime'], 'the viewer may list only /currenttime and may not view scopes');
  });
});

async function waitForEntry(stack: Stack, match: (entry: any) => boolean): Promise<any> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await fetch(`${stack.registry.url}/api/audit`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    const found = (await response.text()).trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line)).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the audit entry never appeared');
}
