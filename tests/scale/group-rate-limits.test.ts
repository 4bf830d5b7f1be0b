import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { decodeBucketLimit, encodeBucketLimit, mostGenerous } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import { groupRateLimit } from '@mcpgw/lib/scopes/group-rate-limit.js';
import { parseScopes, ScopesInvalidError, serverScopeEntries } from '@mcpgw/lib/scopes/parse-scopes.js';
import { startAuthServer, type RunningAuthServer } from '../../auth-server/src/start-auth-server.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';

const SCOPES = `
group_mappings:
  users: [weather/basic]
  partners: [weather/basic]
rate_limits:
  users: { requests: 60 }
  partners: { requests: 600, per_seconds: 60, burst: 100 }
weather/basic:
  - server: weather
    methods: [tools/list]
    tools: [get_forecast]
`;

function problemsOf(text: string): string[] {
  try {
    parseScopes(text);
  } catch (error) {
    assert.ok(error instanceof ScopesInvalidError);
    return error.problems.map((problem) => problem.path);
  }
  assert.fail('expected the file to be refused');
}

describe('per-group rate limits in scopes.yml', () => {
  test('rate_limits is an optional section, not a server scope; defaults fill per_seconds', () => {
    const file = parseScopes(SCOPES);
    assert.deepEqual(serverScopeEntries(file).map(([scope]) => scope), ['weather/basic']);
    assert.deepEqual(file.rate_limits?.users, { requests: 60, per_seconds: 60 });
    assert.ok(parseScopes('group_mappings: {}\n'), 'a file without rate_limits stays valid');
    assert.ok(parseScopes(readFileSync(path.join('config', 'scopes.yml'), 'utf8')), 'the shipped scopes.yml stays valid');
  });

  test('a bad limit is refused with its path', () => {
    assert.deepEqual(problemsOf('rate_limits:\n  users: { requests: 0 }\n'), ['rate_limits.users.requests']);
    assert.deepEqual(problemsOf('rate_limits:\n  users: { requests: 5, per_minute: 3 }\n'), ['rate_limits.users']);
    assert.deepEqual(problemsOf('rate_limits:\n  users: { requests: 1.5 }\n'), ['rate_limits.users.requests']);
  });

  test('a caller gets the most generous limit of its groups', () => {
    const file = parseScopes(SCOPES);
    assert.equal(groupRateLimit(file, ['users', 'partners'])?.requests, 600);
    assert.equal(groupRateLimit(file, ['users'])?.requests, 60);
    assert.equal(groupRateLimit(file, ['others']), undefined);
    assert.equal(groupRateLimit(parseScopes('group_mappings: {}\n'), ['users']), undefined);
    assert.equal(mostGenerous([{ requests: 10, per_seconds: 60 }, { requests: 10, per_seconds: 60, burst: 20 }])?.burst, 20);
  });

  test('the X-Rate-Limit value round-trips and garbage is ignored', () => {
    for (const limit of [{ requests: 5, per_seconds: 60 }, { requests: 1, per_seconds: 1, burst: 9 }]) {
      assert.deepEqual(decodeBucketLimit(encodeBucketLimit(limit)), limit);
    }
    for (const garbage of ['', 'x', '0/60', '5/0', '5/60/0', '-1/60', '5/60/5/5']) assert.equal(decodeBucketLimit(garbage), undefined, garbage);
  });

  describe('the auth-server', () => {
    const temp = makeTempDir();
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    let server: RunningAuthServer;
    let mint: TokenMint;
    before(async () => {
      writeFileSync(scopesFile, SCOPES);
      server = await startAuthServer({ port: 0, dataDir: temp.dir, scopesFile, logger: pino({ level: 'silent' }) });
      mint = await TokenMint.forDataDir(temp.dir);
    });
    after(async () => {
      await server.close();
      temp.remove();
    });
    const check = async (groups: string[]) =>
      request(server.url)
        .get('/validate')
        .set({ 'X-Original-Method': 'POST', 'X-Server-Path': '/weather', 'X-MCP-Method': 'tools%2Flist', 'X-MCP-Methods': 'tools%2Flist' })
        .set('Authorization', `Bearer ${await mint.token('alice', groups)}`);

    test('answers the caller\'s group limit in X-Rate-Limit, and none without one', async () => {
      const both = await check(['users', 'partners']);
      assert.equal(both.status, 200);
      assert.equal(both.headers['x-rate-limit'], '600/60/100');
      assert.equal((await check(['users'])).headers['x-rate-limit'], '60/60');
    });
  });
});
