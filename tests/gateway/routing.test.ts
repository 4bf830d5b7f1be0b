import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RouteTable } from '@mcpgw/lib/routes/route-table.js';
import { compileRoutes } from '../../gateway/src/routes/compile-routes.js';
import { buildTargetUrl } from '../../gateway/src/proxy/build-target-url.js';
import { splitRequestTarget } from '../../gateway/src/proxy/split-request-target.js';
import { startGateway } from '../../gateway/src/start-gateway.js';
import type { RouteSource } from '../../gateway/src/routes/route-source.js';
import { healthOf, silentLogger, startGatewayStack, waitFor, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route, startRouteFeed, TEST_INTERNAL_TOKEN } from './support/route-feed-server.js';

describe('route matching (compiled table)', () => {
  const table: RouteTable = {
    version: '1',
    routes: [
      route('/team', 'http://127.0.0.1:1/team-root'),
      route('/team/weather', 'http://127.0.0.1:2/'),
      route('/currenttime', 'http://127.0.0.1:3/'),
    ],
  };
  const matcher = compileRoutes(table);
  const cases: Array<[string, string | undefined, string?]> = [
    ['/currenttime', '/currenttime', ''],
    ['/currenttime/', '/currenttime', '/'],
    ['/currenttime/mcp', '/currenttime', '/mcp'],
    ['/currenttimex', undefined],
    ['/currenttimex/mcp', undefined],
    ['/team/weather/mcp', '/team/weather', '/mcp'],
    ['/team/weatherx/mcp', '/team', '/weatherx/mcp'],
    ['/team/mcp', '/team', '/mcp'],
    ['/teams/mcp', undefined],
    ['//currenttime/mcp', undefined],
    ['/', undefined],
    ['/CurrentTime/mcp', undefined],
  ];
  for (const [path, expected, rest] of cases) {
    test(`${path} -> ${expected ?? 'no route'}`, () => {
      const match = matcher.match(path);
      assert.equal(match?.route.path, expected);
      if (expected !== undefined) assert.equal(match?.rest, rest);
    });
  }

  test('entries that cannot be served are skipped and reported', () => {
    const skipped: string[] = [];
    const compiled = compileRoutes(
      {
        version: '2',
        routes: [
          route('/ok', 'http://127.0.0.1:1/'),
          route('/Bad Path', 'http://127.0.0.1:1/'),
          route('/ftp', 'ftp://example.com/'),
          route('/health', 'http://127.0.0.1:1/'),
          route('/ok', 'http://127.0.0.1:2/'),
        ],
      },
      ({ route: entry }) => skipped.push(entry.path),
    );
    assert.equal(compiled.size, 1);
    assert.deepEqual(skipped, ['/Bad Path', '/ftp', '/health', '/ok']);
  });
});

describe('target URL (nginx proxy_pass with a URI)', () => {
  const upstream = (url: string) => compileRoutes({ version: '1', routes: [route('/p', url)] }).match('/p')!.route.upstream;
  const cases: Array<[string, string, string, string]> = [
    ['http://127.0.0.1:8101/', '/mcp', 'x=1', 'http://127.0.0.1:8101/mcp?x=1'],
    ['http://h:1/base', '/mcp', '', 'http://h:1/base/mcp'],
    ['http://h:1/base/', '/mcp', '', 'http://h:1/base/mcp'],
    ['http://h:1/base', '', '', 'http://h:1/base'],
    ['http://h:1/', '', '', 'http://h:1/'],
    ['http://h:1/', '/', 'a=b', 'http://h:1/?a=b'],
    ['http://h:1/base?k=v', '/mcp', 'x=1', 'http://h:1/base/mcp?k=v&x=1'],
  ];
  for (const [proxyPass, rest, query, expected] of cases) {
    test(`${proxyPass} + ${rest}?${query}`, () => assert.equal(buildTargetUrl(upstream(proxyPass), rest, query), expected));
  }
});

describe('request paths that could escape their route are refused', () => {
  const refused = [
    '/currenttime/../admin/mcp',
    '/currenttime/./mcp',
    '/currenttime/..',
    '/currenttime/.',
    '/currenttime/%2e%2e/admin',
    '/currenttime/%2E%2E/admin',
    '/currenttime/.%2e/admin',
    '/currenttime/%2fadmin',
    '/currenttime%2F..%2Fadmin',
    '/currenttime/%5c..%5cadmin',
    '/currenttime/\\..\\admin',
    '*',
    'http://evil.example/currenttime/mcp',
  ];
  for (const path of refused) {
    test(`refuses ${path}`, () => assert.throws(() => splitRequestTarget(path), { code: 'GW_BAD_PATH' }));
  }
  for (const path of ['/currenttime/mcp', '/currenttime/...', '/currenttime/a.b/c', '/currenttime/mcp?next=../x']) {
    test(`accepts ${path}`, () => assert.doesNotThrow(() => splitRequestTarget(path)));
  }
});

describe('routing through a running gateway', () => {
  let stack: GatewayStack;
  let upstreamA: RecordingUpstream;
  let upstreamB: RecordingUpstream;

  before(async () => {
    upstreamA = await startRecordingUpstream();
    upstreamB = await startRecordingUpstream();
    stack = await startGatewayStack([
      route('/currenttime', `${upstreamA.url}/`),
      route('/team', `${upstreamA.url}/team-root`),
      route('/team/weather', `${upstreamB.url}/base`),
      route('/off', `${upstreamB.url}/`, false),
    ]);
  });
  after(async () => {
    await stack.close();
    await Promise.all([upstreamA.close(), upstreamB.close()]);
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${stack.token}`, ...headers } });

  test('replaces the registered prefix by the upstream path and keeps the query', async () => {
    const response = await get('/currenttime/mcp?x=1&y=%20z');
    assert.equal(response.status, 200);
    assert.equal(upstreamA.received.at(-1)?.url, '/mcp?x=1&y=%20z');
  });

  test('the longest registered prefix wins', async () => {
    await get('/team/weather/mcp');
    assert.equal(upstreamB.received.at(-1)?.url, '/base/mcp');
    await get('/team/other/mcp');
    assert.equal(upstreamA.received.at(-1)?.url, '/team-root/other/mcp');
  });

  test('an unknown path answers 404 GW_ROUTE_NOT_FOUND and reaches neither the check nor an upstream', async () => {
    const checks = stack.auth.calls.length;
    const reached = upstreamA.received.length;
    const response = await get('/currenttimex/mcp');
    assert.equal(response.status, 404);
    assert.equal(response.json().error.code, 'GW_ROUTE_NOT_FOUND');
    assert.equal(stack.auth.calls.length, checks);
    assert.equal(upstreamA.received.length, reached);
  });

  test('a JSON-RPC POST to an unknown path gets a JSON-RPC error with its id', async () => {
    const response = await rawRequest(`${stack.gateway.url}/nowhere/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'abc', method: 'tools/list' }),
    });
    assert.equal(response.status, 404);
    const body = response.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, 'abc');
    assert.equal(body.error.data.code, 'GW_ROUTE_NOT_FOUND');
  });

  test('a disabled server answers 503 GW_SERVER_DISABLED and nothing is forwarded', async () => {
    const reached = upstreamB.received.length;
    const response = await get('/off/mcp');
    assert.equal(response.status, 503);
    assert.equal(response.json().error.code, 'GW_SERVER_DISABLED');
    assert.equal(upstreamB.received.length, reached);
  });

  test('traversal is refused with 400 before anything else', async () => {
    const checks = stack.auth.calls.length;
    for (const path of ['/team/weather/../../currenttime/mcp', '/team/%2e%2e/currenttime/mcp', '/team/weather%2fx']) {
      const response = await get(path);
      assert.equal(response.status, 400, path);
      assert.equal(response.json().error.code, 'GW_BAD_PATH');
    }
    assert.equal(stack.auth.calls.length, checks);
  });

  test('GET /health answers with the number of routes and is not routed', async () => {
    assert.deepEqual(await healthOf(stack.gateway.url), { status: 'ok', routes: 4 });
  });

  test('registrations, edits, toggles and removals are seen without a restart', async () => {
    stack.feed.setRoutes([route('/currenttime', `${upstreamB.url}/moved`), route('/new', `${upstreamA.url}/`), route('/off', `${upstreamB.url}/`, true)]);
    await waitFor(async () => (await get('/new/mcp')).status === 200);
    await get('/currenttime/mcp');
    assert.equal(upstreamB.received.at(-1)?.url, '/moved/mcp');
    assert.equal((await get('/off/mcp')).status, 200);
    assert.equal((await get('/team/weather/mcp')).status, 404);
    assert.equal((await healthOf(stack.gateway.url)).routes, 3);
  });

  test('an unchanged table is answered 304 and not fetched again', async () => {
    const full = stack.feed.counts.full;
    await waitFor(() => stack.feed.counts.notModified >= 3);
    assert.equal(stack.feed.counts.full, full);
  });

  test('the last known table stays in force while the feed is down or answers garbage', async () => {
    for (const mode of ['down', 'garbage'] as const) {
      stack.feed.mode = mode;
      const notModified = stack.feed.counts.notModified;
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(stack.feed.counts.notModified, notModified, 'the feed was not answering normally');
      assert.equal((await get('/new/mcp')).status, 200, mode);
      assert.equal((await healthOf(stack.gateway.url)).routes, 3);
    }
    stack.feed.mode = 'ok';
    stack.feed.setRoutes([route('/after', `${upstreamA.url}/`)]);
    await waitFor(async () => (await get('/after/mcp')).status === 200);
  });
});

describe('before the first route table', () => {
  test('the gateway answers 503 GW_ROUTES_UNAVAILABLE until a table arrives', async () => {
    const upstream = await startRecordingUpstream();
    const feed = await startRouteFeed([route('/currenttime', `${upstream.url}/`)]);
    feed.mode = 'down';
    const gateway = await startGateway({
      port: 0,
      authUrl: 'http://127.0.0.1:9',
      registryUrl: feed.url,
      internalToken: TEST_INTERNAL_TOKEN,
      routesPollMs: 20,
      logger: silentLogger,
    });
    try {
      const response = await rawRequest(`${gateway.url}/currenttime/mcp`);
      assert.equal(response.status, 503);
      assert.equal(response.json().error.code, 'GW_ROUTES_UNAVAILABLE');
      assert.equal((await healthOf(gateway.url)).routes, 0);
      feed.mode = 'ok';
      await waitFor(async () => (await healthOf(gateway.url)).routes === 1);
    } finally {
      await gateway.close();
      await Promise.all([feed.close(), upstream.close()]);
    }
  });

  test('the route feed is read with the internal token; a wrong token gets no table', async () => {
    const feed = await startRouteFeed([route('/currenttime', 'http://127.0.0.1:1/')]);
    const gateway = await startGateway({
      port: 0,
      authUrl: 'http://127.0.0.1:9',
      registryUrl: feed.url,
      internalToken: 'not-the-internal-token-0123456789abcdef',
      routesPollMs: 20,
      logger: silentLogger,
    });
    try {
      await waitFor(() => feed.counts.refused >= 2);
      assert.equal(feed.counts.full, 0);
      assert.equal((await rawRequest(`${gateway.url}/currenttime/mcp`)).json().error.code, 'GW_ROUTES_UNAVAILABLE');
    } finally {
      await gateway.close();
      await feed.close();
    }
  });

  test('a path the table does not know makes the gateway ask the feed at once, at most once per cooldown', async () => {
    const upstream = await startRecordingUpstream();
    const stack = await startGatewayStack([route('/first', `${upstream.url}/`)], { routesPollMs: 600_000 });
    try {
      stack.feed.setRoutes([route('/first', `${upstream.url}/`), route('/second', `${upstream.url}/`)]);
      const fetched = stack.feed.counts.full;
      const response = await rawRequest(`${stack.gateway.url}/second/mcp`, { headers: { authorization: `Bearer ${stack.token}` } });
      assert.equal(response.status, 200);
      assert.equal(stack.feed.counts.full, fetched + 1);
      const asked = stack.feed.counts.full + stack.feed.counts.notModified;
      assert.equal((await rawRequest(`${stack.gateway.url}/third/mcp`)).status, 404);
      assert.equal(stack.feed.counts.full + stack.feed.counts.notModified, asked, 'a second miss within the cooldown asked again');
    } finally {
      await stack.close();
      await upstream.close();
    }
  });

  test('a route source other than the registry can supply tables', async () => {
    const upstream = await startRecordingUpstream();
    let push: ((table: RouteTable) => void) | undefined;
    const source: RouteSource = { start: (onTable) => void (push = onTable), close: async () => {} };
    const gateway = await startGateway({ port: 0, authUrl: 'http://127.0.0.1:9', registryUrl: 'http://127.0.0.1:9', internalToken: '', routeSource: source, logger: silentLogger });
    try {
      assert.equal((await healthOf(gateway.url)).routes, 0);
      push?.({ version: 'a', routes: [route('/pushed', `${upstream.url}/`)] });
      assert.equal((await healthOf(gateway.url)).routes, 1);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
