import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startRegistry } from '../../registry/src/start-registry.js';
import { startGatewayStack } from '../gateway/support/gateway-stack.js';
import { rawRequest } from '../gateway/support/raw-request.js';
import { route } from '../gateway/support/route-feed-server.js';
import { createTestSchema, postgresSkipReason, TEST_DATABASE_URL } from '../support/postgres.js';
import { startRecordingUpstream } from '../support/recording-upstream.js';
import { STACK_ADMIN_GROUP, withAdministrator } from '../support/scopes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';
import { skipWithoutRedis, TEST_REDIS_URL, uniqueKeyPrefix } from '../scale/support/redis.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL restarted under load: the registry reconnects by itself and loses no acknowledged write', { skip: await postgresSkipReason() }, () => {
  const temp = makeTempDir('mcpgw-pg-restart-');
  after(() => temp.remove());

  test('writes fail clearly while the database is gone and succeed again when it is back', async () => {
    const schema = await createTestSchema();
    const proxy = await startTcpProxy(Number(new URL(TEST_DATABASE_URL).port || 5432));
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(proxy.port);
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    writeFileSync(scopesFile, withAdministrator(''));
    const dataDir = path.join(temp.dir, 'data');
    const registry = await startRegistry({
      port: 0, dataDir, scopesFile, logger: pino({ level: 'silent' }), internalToken: 'i'.repeat(40), keycloakAdmin: null,
      database: { url: url.toString(), schema: schema.schema },
    });
    try {
      const token = await (await TokenMint.forDataDir(dataDir)).token('admin', [STACK_ADMIN_GROUP]);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const acknowledged: string[] = [];
      const outcomes: number[] = [];
      let stop = false;
      const load = (async () => {
        for (let index = 0; !stop; index += 1) {
          const serverPath = `/load-${index}`;
          const response = await fetch(`${registry.url}/api/servers`, {
            method: 'POST', headers, body: JSON.stringify({ server_name: `load ${index}`, path: serverPath, proxy_pass_url: 'http://127.0.0.1:9/' }),
          });
          outcomes.push(response.status);
          await response.body?.cancel();
          if (response.status === 201) acknowledged.push(serverPath);
          await pause(10);
        }
      })();
      while (acknowledged.length < 5) await pause(20);
      await proxy.stop();
      await pause(700);
      await proxy.start();
      const failedBefore = outcomes.filter((status) => status !== 201).length;
      const ackedAtRestart = acknowledged.length;
      while (acknowledged.length < ackedAtRestart + 5) await pause(20);
      stop = true;
      await load;

      assert.ok(failedBefore > 0, 'some writes were refused while the database was gone');
      assert.ok(outcomes.every((status) => status === 201 || status >= 500), `a refusal is a clear server-side error: ${[...new Set(outcomes)].join(', ')}`);
      const listed = (await (await fetch(`${registry.url}/api/servers`, { headers })).json()) as { servers: Array<{ path: string }> };
      const present = new Set(listed.servers.map((server) => server.path));
      for (const serverPath of acknowledged) assert.ok(present.has(serverPath), `${serverPath} was acknowledged and kept`);
    } finally {
      await registry.close();
      await proxy.close();
      await schema.drop();
    }
  });
});

describe('Redis restarted under load: the gateway reconnects and shared rate limits hold again', { skip: await skipWithoutRedis() }, () => {
  test('with GATEWAY_RATE_LIMIT_ON_REDIS_FAILURE=closed an outage answers 503, and the limit applies again once Redis is back', async () => {
    const upstream = await startRecordingUpstream();
    const proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.port = String(proxy.port);
    const stack = await startGatewayStack([{ ...route('/weather', `${upstream.url}/`), rateLimit: { caller: { requests: 1000, per_seconds: 3600 } } }], {
      redis: { url: redisUrl.toString(), keyPrefix: uniqueKeyPrefix() },
      rateLimitOnRedisFailure: 'closed',
    });
    let id = 1;
    const call = () =>
      rawRequest(`${stack.gateway.url}/weather/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'forecast', arguments: {} } }),
      });
    try {
      assert.equal((await call()).status, 200);
      await proxy.stop();
      let refused = 0;
      for (let attempt = 0; attempt < 20 && refused === 0; attempt += 1) {
        const status = (await call()).status;
        assert.ok(status === 200 || status === 503, `during the outage: ${status}`);
        if (status === 503) refused += 1;
        else await pause(50);
      }
      assert.ok(refused > 0, 'the outage was noticed and the gateway failed closed');
      await proxy.start();
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
        status = (await call()).status;
        if (status !== 200) await pause(100);
      }
      assert.equal(status, 200, 'the gateway reconnected to Redis by itself');
    } finally {
      await stack.close();
      await proxy.close();
      await upstream.close();
    }
  });
});
