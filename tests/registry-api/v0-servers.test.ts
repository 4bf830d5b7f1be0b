import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { serverVersionOf } from '../../registry/src/services/mcp-registry/server-version.js';
import { entry, startTestRegistry, type TestRegistry } from '../registry/support/test-registry.js';
import { REGISTRY_API_SCOPES } from './support/registry-api-scopes.js';
import { assertValid, assertValidServerJson, openApiComponent, openApiResponse } from './support/spec-validators.js';

const GATEWAY = 'https://gateway.example.com:8443';
const NS = 'com.example.gw';
const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const PUBLISHER = 'io.modelcontextprotocol.registry/publisher-provided';
const SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
const UPSTREAM = 'http://127.0.0.1:8101/';

const serverList = openApiComponent('ServerList');
const serverResponse = openApiComponent('ServerResponse');
const versionNotFound = openApiResponse('/v0.1/servers/{serverName}/versions/{version}', 'get', '404');
const versionsNotFound = openApiResponse('/v0.1/servers/{serverName}/versions', 'get', '404');

interface ServerResponseBody {
  server: { name: string; version: string; description: string; title: string; remotes?: Array<{ type: string; url: string; headers?: unknown[] }>; _meta: Record<string, unknown> };
  _meta: Record<string, { status: string; statusMessage?: string; publishedAt: string; updatedAt: string; isLatest: boolean }>;
}
interface ServerListBody {
  servers: ServerResponseBody[];
  metadata: { count: number; nextCursor?: string };
}

const LONG_DESCRIPTION = `Weather ${'é'.repeat(150)} and more`;
const SERVERS = [
  entry('/currenttime', { server_name: 'Current Time', description: 'Tells the time', supported_transports: ['streamable-http', 'sse'], tags: ['time'], license: 'MIT' }),
  entry('/notes', { description: '' }),
  entry('/team/weather', { supported_transports: ['sse', 'websocket'], description: LONG_DESCRIPTION }),
  entry('/tools.v2'),
  entry('/ws-only', { supported_transports: ['websocket'] }),
  entry('/alpha'),
  entry('/beta'),
  entry('/retired', { enabled: false }),
];
const ENABLED_NAMES = ['alpha', 'beta', 'currenttime', 'notes', 'team.weather', 'tools.Dv2', 'ws-only'].map((n) => `${NS}/${n}`);

/** Lets the clock pass a time, so that the next write is strictly later (bounded). */
async function clockPast(iso: string): Promise<void> {
  for (let attempt = 0; attempt < 200 && Date.now() <= Date.parse(iso); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 2));
}

function assertProblem(response: Response, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(response.body.code, code);
  assert.equal(response.body.status, status);
  assert.equal(typeof response.body.title, 'string');
  assert.equal(typeof response.body.detail, 'string');
  assert.equal(typeof response.body.error, 'string');
}

function names(body: ServerListBody): string[] {
  return body.servers.map((s) => s.server.name);
}

describe('MCP Registry API: GET /v0.1/servers and versions', () => {
  let registry: TestRegistry;
  let admin: string;
  const saved = { url: process.env.GATEWAY_PUBLIC_URL, ns: process.env.MCP_REGISTRY_NAMESPACE };

  before(async () => {
    process.env.GATEWAY_PUBLIC_URL = `${GATEWAY}/`;
    process.env.MCP_REGISTRY_NAMESPACE = NS;
    registry = await startTestRegistry(REGISTRY_API_SCOPES);
    admin = await registry.token(['admins']);
    for (const server of SERVERS) await registry.http().post('/api/servers').set('authorization', `Bearer ${admin}`).send(server).expect(201);
  });
  after(async () => {
    await registry.close();
    for (const [key, value] of [['GATEWAY_PUBLIC_URL', saved.url], ['MCP_REGISTRY_NAMESPACE', saved.ns]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const get = (url: string, token = admin) => registry.http().get(url).set('authorization', `Bearer ${token}`);
  const anonymous = (url: string) => registry.http().get(url);
  const list = async (query = '', token = admin): Promise<ServerListBody> => {
    const response = await get(`/v0.1/servers${query}`, token).expect(200);
    assertValid(serverList, response.body, `GET /v0.1/servers${query}`);
    for (const item of (response.body as ServerListBody).servers) assertValidServerJson(item.server, item.server.name);
    return response.body as ServerListBody;
  };
  const apiEntry = async (serverPath: string): Promise<{ registered_at: string; updated_at: string; revision: number }> =>
    (await get(`/api/servers${serverPath}`).expect(200)).body;

  test('lists every enabled server as a server.json whose remotes point at the gateway', async () => {
    const body = await list();
    assert.deepEqual(names(body), ENABLED_NAMES);
    assert.deepEqual(body.metadata, { count: ENABLED_NAMES.length });
    assert.ok(!JSON.stringify(body).includes(UPSTREAM), 'the upstream URL stays private');

    const stored = await apiEntry('/currenttime');
    const currenttime = body.servers.find((s) => s.server.name === `${NS}/currenttime`);
    assert.ok(currenttime);
    const { remotes, ...server } = currenttime.server;
    assert.deepEqual(server, {
      $schema: SCHEMA_URL,
      name: `${NS}/currenttime`,
      description: 'Tells the time',
      title: 'Current Time',
      version: serverVersionOf(stored.revision),
      _meta: { [PUBLISHER]: { path: '/currenttime', tags: ['time'], license: 'MIT' } },
    });
    assert.deepEqual(
      remotes?.map(({ type, url }) => ({ type, url })),
      [
        { type: 'streamable-http', url: `${GATEWAY}/currenttime/mcp` },
        { type: 'sse', url: `${GATEWAY}/currenttime/sse` },
      ],
    );
    for (const remote of remotes ?? []) {
      assert.deepEqual(
        remote.headers?.map((h) => {
          const { name, isRequired, isSecret } = h as { name: string; isRequired: boolean; isSecret: boolean };
          return { name, isRequired, isSecret };
        }),
        [{ name: 'Authorization', isRequired: true, isSecret: true }],
      );
    }
    assert.deepEqual(currenttime._meta, {
      [OFFICIAL]: { status: 'active', publishedAt: stored.registered_at, updatedAt: stored.updated_at, isLatest: true },
    });
  });

  test('fits every server into server.json: fallback description, clipped text, transports, no remotes for websocket only', async () => {
    const body = await list();
    const byName = new Map(body.servers.map((s) => [s.server.name, s.server]));
    assert.equal(byName.get(`${NS}/notes`)?.description, 'server /notes');
    const weather = byName.get(`${NS}/team.weather`);
    assert.equal([...(weather?.description ?? '')].length, 100);
    assert.ok(weather?.description.endsWith('…'));
    assert.deepEqual(weather?.remotes?.map((r) => [r.type, r.url]), [['sse', `${GATEWAY}/team/weather/sse`]]);
    assert.equal(byName.get(`${NS}/tools.Dv2`)?.remotes?.[0]?.url, `${GATEWAY}/tools.v2/mcp`);
    assert.equal(byName.get(`${NS}/ws-only`)?.remotes, undefined);
  });

  test('/v0 answers as /v0.1', async () => {
    assert.deepEqual((await get('/v0/servers?limit=3').expect(200)).body, (await get('/v0.1/servers?limit=3').expect(200)).body);
    const latest = `/servers/${encodeURIComponent(`${NS}/notes`)}/versions/latest`;
    assert.deepEqual((await get(`/v0${latest}`).expect(200)).body, (await get(`/v0.1${latest}`).expect(200)).body);
  });

  test('pages follow nextCursor to the end, each server once, in name order', async () => {
    for (const limit of [1, 2, 3, 6]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const body = await list(`?limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        pages += 1;
        assert.equal(body.metadata.count, body.servers.length);
        assert.ok(body.servers.length <= limit);
        seen.push(...names(body));
        cursor = body.metadata.nextCursor;
        if (cursor !== undefined) assert.equal(body.servers.length, limit);
      } while (cursor !== undefined && pages < 20);
      assert.deepEqual(seen, ENABLED_NAMES, `limit ${limit}`);
      assert.equal(pages, Math.ceil(ENABLED_NAMES.length / limit), `limit ${limit}`);
    }
    assert.equal((await list(`?limit=${ENABLED_NAMES.length}`)).metadata.nextCursor, undefined);
    assert.equal((await list('?limit=100')).metadata.nextCursor, undefined);
  });

  test('search matches a part of the name, in any case', async () => {
    assert.deepEqual(names(await list('?search=TEAM')), [`${NS}/team.weather`]);
    assert.deepEqual(names(await list('?search=Me')), [`${NS}/currenttime`]);
    assert.deepEqual(names(await list('?search=com.EXAMPLE')), ENABLED_NAMES, 'the namespace is part of the name');
    assert.deepEqual(await list('?search=nothing-like-this'), { servers: [], metadata: { count: 0 } });
    const paged = await list('?search=a&limit=1');
    assert.deepEqual(names(paged), [`${NS}/alpha`]);
    assert.deepEqual(names(await list(`?search=a&limit=1&cursor=${encodeURIComponent(paged.metadata.nextCursor ?? '')}`)), [`${NS}/beta`]);
  });

  test('version filters by latest or an exact version', async () => {
    const all = await list();
    assert.deepEqual(names(await list('?version=latest')), ENABLED_NAMES);
    const wanted = all.servers.find((s) => s.server.name === `${NS}/notes`)?.server.version ?? '';
    const expected = all.servers.filter((s) => s.server.version === wanted).map((s) => s.server.name);
    assert.ok(expected.includes(`${NS}/notes`));
    assert.deepEqual(names(await list(`?version=${encodeURIComponent(wanted)}`)), expected);
    assert.deepEqual(names(await list('?version=0.0.1')), []);
  });

  test('include_deleted shows a disabled server with the status deleted', async () => {
    assert.ok(!names(await list()).includes(`${NS}/retired`));
    const body = await list('?include_deleted=true');
    assert.deepEqual(names(body), [...ENABLED_NAMES, `${NS}/retired`].sort());
    const retired = body.servers.find((s) => s.server.name === `${NS}/retired`);
    assert.equal(retired?._meta[OFFICIAL]?.status, 'deleted');
    assert.equal(typeof retired?._meta[OFFICIAL]?.statusMessage, 'string');
    assert.deepEqual(names(await list('?include_deleted=false')), ENABLED_NAMES);
  });

  test('versions lists the one version of a server; latest and the exact version answer it', async () => {
    const all = await list();
    for (const name of [`${NS}/currenttime`, `${NS}/team.weather`, `${NS}/tools.Dv2`]) {
      const listed = all.servers.find((s) => s.server.name === name);
      const versions = await get(`/v0.1/servers/${encodeURIComponent(name)}/versions`).expect(200);
      assertValid(serverList, versions.body, `${name} versions`);
      assert.deepEqual(versions.body, { servers: [listed], metadata: { count: 1 } });
      assert.deepEqual((await get(`/v0.1/servers/${name}/versions`).expect(200)).body, versions.body, 'an unencoded slash works too');
      for (const version of ['latest', listed?.server.version ?? '']) {
        const one = await get(`/v0.1/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`).expect(200);
        assertValid(serverResponse, one.body, `${name} ${version}`);
        assertValidServerJson(one.body.server);
        assert.deepEqual(one.body, listed);
      }
    }
  });

  test('an unknown server, an unknown version and a disabled server answer 404 problems', async () => {
    const unknownVersion = await get(`/v0.1/servers/${encodeURIComponent(`${NS}/notes`)}/versions/9.9.9`);
    assertProblem(unknownVersion, 404, 'REGISTRY_SERVER_VERSION_NOT_FOUND');
    assertValid(versionNotFound, unknownVersion.body, 'unknown version');
    for (const url of [`/v0.1/servers/${encodeURIComponent(`${NS}/nope`)}/versions`, `/v0.1/servers/${encodeURIComponent('other.ns/notes')}/versions`]) {
      const unknown = await get(url);
      assertProblem(unknown, 404, 'REGISTRY_SERVER_NOT_FOUND');
      assertValid(versionsNotFound, unknown.body, url);
    }
    assertProblem(await get(`/v0.1/servers/${encodeURIComponent(`${NS}/nope`)}/versions/latest`), 404, 'REGISTRY_SERVER_NOT_FOUND');
    const retired = `/v0.1/servers/${encodeURIComponent(`${NS}/retired`)}/versions`;
    assertProblem(await get(retired), 404, 'REGISTRY_SERVER_NOT_FOUND');
    assertProblem(await get(`${retired}/latest`), 404, 'REGISTRY_SERVER_NOT_FOUND');
    const shown = await get(`${retired}/latest?include_deleted=true`).expect(200);
    assertValid(serverResponse, shown.body, 'retired');
    assert.equal(shown.body._meta[OFFICIAL].status, 'deleted');
    assertProblem(await get('/v0.1/nothing-here'), 404, 'REGISTRY_NOT_FOUND');
  });

  test('bad parameters answer 400 naming each one', async () => {
    const response = await get('/v0.1/servers?limit=0&updated_since=yesterday&include_deleted=maybe');
    assertProblem(response, 400, 'REGISTRY_INVALID_QUERY');
    assert.deepEqual(
      (response.body.errors as Array<{ location: string }>).map((e) => e.location),
      ['limit', 'updated_since', 'include_deleted'],
    );
    for (const query of ['limit=101', 'limit=abc', 'limit=2.5', 'limit=1&limit=2', 'updated_since=2025-02-30T00:00:00Z', 'updated_since=2025-01-01']) {
      assertProblem(await get(`/v0.1/servers?${query}`), 400, 'REGISTRY_INVALID_QUERY');
    }
    assertProblem(await get(`/v0.1/servers/${encodeURIComponent(`${NS}/notes`)}/versions?include_deleted=perhaps`), 400, 'REGISTRY_INVALID_QUERY');
  });

  test('a token is needed, and each caller sees only the servers its list_service grants', async () => {
    const missing = await anonymous('/v0.1/servers');
    assertProblem(missing, 401, 'AUTH_TOKEN_MISSING');
    assert.match(String(missing.headers['www-authenticate']), /^Bearer /);
    assertProblem(await get('/v0/servers', await registry.mint.forged('mallory', ['admins'])), 401, 'AUTH_TOKEN_BAD_SIGNATURE');
    assertProblem(await anonymous(`/v0.1/servers/${encodeURIComponent(`${NS}/notes`)}/versions/latest`), 401, 'AUTH_TOKEN_MISSING');

    const publisher = await registry.token(['publishers']);
    assertProblem(await get('/v0.1/servers', publisher), 403, 'REGISTRY_FORBIDDEN');
    assertProblem(await get(`/v0.1/servers/${encodeURIComponent(`${NS}/notes`)}/versions`, publisher), 403, 'REGISTRY_FORBIDDEN');

    const team = await registry.token(['team']);
    assert.deepEqual(names(await list('', team)), [`${NS}/currenttime`, `${NS}/notes`, `${NS}/team.weather`]);
    assert.deepEqual(names(await list('?limit=2&cursor=' + encodeURIComponent(`${NS}/currenttime:x`), team)), [`${NS}/notes`, `${NS}/team.weather`]);
    assertProblem(await get(`/v0.1/servers/${encodeURIComponent(`${NS}/alpha`)}/versions`, team), 404, 'REGISTRY_SERVER_NOT_FOUND');
    await get(`/v0.1/servers/${encodeURIComponent(`${NS}/team.weather`)}/versions/latest`, team).expect(200);
  });

  test('a private server is shown only to those who may modify it, as in GET /api/servers', async () => {
    const auth = `Bearer ${admin}`;
    await registry.http().post('/api/servers').set('authorization', auth).send(entry('/hidden', { visibility: 'private' })).expect(201);
    try {
      assert.ok(names(await list()).includes(`${NS}/hidden`));
      await get(`/v0.1/servers/${encodeURIComponent(`${NS}/hidden`)}/versions/latest`).expect(200);
      const reader = await registry.token(['readers']);
      assert.deepEqual(names(await list('', reader)), ENABLED_NAMES);
      assertProblem(await get(`/v0.1/servers/${encodeURIComponent(`${NS}/hidden`)}/versions/latest`, reader), 404, 'REGISTRY_SERVER_NOT_FOUND');
    } finally {
      await registry.http().delete('/api/servers/hidden').set('authorization', auth).expect(204);
    }
  });

  test('publishing, updating and deleting through the MCP Registry API answer 501; nothing changes', async () => {
    const before = (await list()).servers;
    const name = encodeURIComponent(`${NS}/notes`);
    const calls = [
      registry.http().post('/v0.1/publish').send({ name: `${NS}/new`, description: 'x', version: '1.0.0' }),
      registry.http().put(`/v0.1/servers/${name}/versions/latest`).send({ name: `${NS}/notes`, description: 'x', version: '1.0.0' }),
      registry.http().delete(`/v0.1/servers/${name}/versions/latest`),
    ];
    for (const call of calls) assertProblem(await call.set('authorization', `Bearer ${admin}`), 501, 'REGISTRY_NOT_IMPLEMENTED');
    assertProblem(await registry.http().post('/v0.1/publish').send({}), 401, 'AUTH_TOKEN_MISSING');
    assert.deepEqual((await list()).servers, before);
  });

  test('an edit publishes a new version: publishedAt stays, updatedAt follows, the old version is gone', async () => {
    const name = encodeURIComponent(`${NS}/currenttime`);
    const old = (await get(`/v0.1/servers/${name}/versions/latest`).expect(200)).body as ServerResponseBody;
    await clockPast(old._meta[OFFICIAL]?.updatedAt ?? '');
    await registry.http().patch('/api/servers/currenttime').set('authorization', `Bearer ${admin}`).send({ description: 'Tells the time, edited' }).expect(200);
    const edited = (await get(`/v0.1/servers/${name}/versions/latest`).expect(200)).body as ServerResponseBody;
    assert.equal(edited.server.description, 'Tells the time, edited');
    assert.equal(old.server.version, '1.0.0');
    assert.equal(edited.server.version, '1.0.1');
    assert.equal(edited._meta[OFFICIAL]?.publishedAt, old._meta[OFFICIAL]?.publishedAt);
    assert.ok(Date.parse(edited._meta[OFFICIAL]?.updatedAt ?? '') > Date.parse(old._meta[OFFICIAL]?.updatedAt ?? ''));
    await get(`/v0.1/servers/${name}/versions/${encodeURIComponent(edited.server.version)}`).expect(200);
    assertProblem(await get(`/v0.1/servers/${name}/versions/${encodeURIComponent(old.server.version)}`), 404, 'REGISTRY_SERVER_VERSION_NOT_FOUND');
  });

  test('updated_since answers the servers changed after it, the ones disabled since included', async () => {
    const everything = await list('?include_deleted=true');
    const since = everything.servers.map((s) => s._meta[OFFICIAL]?.updatedAt ?? '').sort().at(-1) ?? '';
    await clockPast(since);
    const auth = `Bearer ${admin}`;
    await registry.http().patch('/api/servers/notes').set('authorization', auth).send({ description: 'Notes, edited' }).expect(200);
    await registry.http().post('/api/servers/beta/toggle').set('authorization', auth).send({ enabled: false }).expect(200);
    try {
      const changed = await list(`?updated_since=${encodeURIComponent(since)}`);
      assert.deepEqual(names(changed), [`${NS}/beta`, `${NS}/notes`]);
      assert.deepEqual(changed.servers.map((s) => s._meta[OFFICIAL]?.status), ['deleted', 'active']);
      assert.equal(changed.servers[1]?.server.description, 'Notes, edited');

      const shifted = new Date(Date.parse(since) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      assert.deepEqual(names(await list(`?updated_since=${encodeURIComponent(shifted)}`)), [`${NS}/beta`, `${NS}/notes`], 'a time with an offset');
      const latest = changed.servers.map((s) => s._meta[OFFICIAL]?.updatedAt ?? '').sort().at(-1) ?? '';
      assert.deepEqual(await list(`?updated_since=${encodeURIComponent(latest)}`), { servers: [], metadata: { count: 0 } });
    } finally {
      await registry.http().post('/api/servers/beta/toggle').set('authorization', auth).send({ enabled: true }).expect(200);
    }
  });
});
