import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route } from '../gateway/support/route-feed-server.js';
import { freePort } from '../support/free-port.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';

/** A metric's value from a Prometheus text scrape, or undefined when the series is absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('rate-limit rejections and circuit breakers on the gateway metrics', () => {
  let upstream: RecordingUpstream;
  let stack: GatewayStack;
  let id = 1;
  const call = (path: string) =>
    rawRequest(`${stack.gateway.url}${path}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'forecast', arguments: {} } }),
    });
  const scrape = async () => (await fetch(`${stack.gateway.metricsUrl}/metrics`)).text();

  before(async () => {
    upstream = await startRecordingUpstream();
    const dead = `http://127.0.0.1:${await freePort()}/`;
    stack = await startGatewayStack(
      [
        { ...route('/weather', `${upstream.url}/`), rateLimit: { caller: { requests: 1, per_seconds: 3600 } } },
        { ...route('/flaky', dead), proxyPassUrls: [dead, `${upstream.url}/`] },
      ],
      { metricsPort: 0, breaker: { failureThreshold: 1, coolDownMs: 60_000 } },
    );
  });
  after(async () => {
    await stack?.close();
    await upstream?.close();
  });

  test('a 429 is counted by server and limit', async () => {
    assert.equal((await call('/weather')).status, 200);
    assert.equal((await call('/weather')).status, 429);
    assert.equal(valueOf(await scrape(), 'mcp_gateway_rate_limited_total{server_path="/weather",limit="caller"}'), 1);
  });

  test('a replica whose breaker opens shows 2 on its gauge', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) await call('/flaky');
    assert.equal(valueOf(await scrape(), 'mcp_gateway_circuit_breaker_state{server_path="/flaky",replica="0"}'), 2);
  });
});
