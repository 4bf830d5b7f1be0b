import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import request from 'supertest';
import { startRegistry, type RunningRegistry } from '../../registry/src/start-registry.js';
import { embeddingsEndpoint, searchSettingsFromEnv, type SearchSettings } from '../../registry/src/search/search-settings.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TokenMint } from '../support/tokens.js';
import { cardV10 } from '../agents/support/agent-cards.js';
import { startEmbeddingsServer, type EmbeddingsServer } from './support/embeddings-server.js';

const SCOPES = `
group_mappings:
  admins: [admin-ui]
  readers: [reader-ui]
  weather-team: [reader-ui]
  time-only: [time-ui]
UI-Scopes:
  admin-ui:
    list_service: [all]
    register_service: [all]
    modify_service: [all]
    list_agents: [all]
    publish_agent: [all]
  reader-ui:
    list_service: [all]
    list_agents: [all]
  time-ui:
    list_service: [/currenttime]
`;

const SERVERS = [
  {
    server_name: 'Current time', path: '/currenttime', proxy_pass_url: 'http://127.0.0.1:8101/', description: 'Tells the current time in any IANA time zone.', tags: ['time'],
    tool_list: [{ name: 'current_time', description: 'Current date and hour in a time zone', inputSchema: { type: 'object', properties: { tz: { type: 'string' } } } }],
  },
  {
    server_name: 'Notes', path: '/notes', proxy_pass_url: 'http://127.0.0.1:8102/', description: 'An in-memory notebook.', tags: ['notes'],
    tool_list: [
      { name: 'add_note', description: 'Adds a note to the notebook', inputSchema: { type: 'object' } },
      { name: 'list_notes', parsed_description: { main: 'Lists every note' }, schema: { type: 'object' } },
    ],
  },
  {
    server_name: 'Weather', path: '/weather', proxy_pass_url: 'http://127.0.0.1:8103/', description: 'Forecast and rain for a city.', tags: ['weather'],
    visibility: 'group-restricted', allowed_groups: ['weather-team'],
    tool_list: [{ name: 'forecast', description: 'Weather forecast for a city', inputSchema: { type: 'object' } }],
  },
];

interface Running {
  registry: RunningRegistry;
  token(groups: string[]): Promise<string>;
  close(): Promise<void>;
}

async function start(search?: SearchSettings): Promise<Running> {
  const temp = makeTempDir('mcpgw-search-');
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  writeFileSync(scopesFile, SCOPES);
  const registry = await startRegistry({ port: 0, dataDir: temp.dir, scopesFile, logger: pino({ level: 'silent' }), ...(search ? { search } : {}) });
  const mint = await TokenMint.forDataDir(temp.dir);
  const admin = await mint.token('ada', ['admins']);
  for (const server of SERVERS) await request(registry.url).post('/api/servers').set('authorization', `Bearer ${admin}`).send(server).expect(201);
  await request(registry.url).post('/api/agents').set('authorization', `Bearer ${admin}`)
    .send({ path: '/agents/trips', card: cardV10('Trip planner', [{ id: 'plan-itinerary', tags: ['travel'], description: 'Plans a journey with flights' }]), tags: ['travel'] })
    .expect(201);
  return {
    registry,
    token: (groups) => mint.token('someone', groups),
    close: async () => {
      await registry.close();
      temp.remove();
    },
  };
}

describe('search API, keyword ranking', () => {
  let running: Running;
  const search = async (groups: string[], query: string) =>
    request(running.registry.url).get(`/api/search?${query}`).set('authorization', `Bearer ${await running.token(groups)}`);
  before(async () => {
    running = await start({ bm25Weight: 0.5, vectorWeight: 0.5 });
  });
  after(() => running.close());

  test('finds servers, tools and agents by name, description and tags, best first', async () => {
    const time = (await search(['readers'], 'q=current+time').then((r) => r.body)) as { mode: string; results: Array<{ type: string; name: string; path?: string; server_path?: string; score: number }> };
    assert.equal(time.mode, 'bm25');
    assert.deepEqual(time.results.map((hit) => [hit.type, hit.path ?? hit.server_path, hit.name]).slice(0, 2).sort(), [
      ['server', '/currenttime', 'Current time'],
      ['tool', '/currenttime', 'current_time'],
    ]);
    assert.equal(time.results.length, 2);
    assert.ok(time.results.every((hit, index, all) => index === 0 || (all[index - 1]?.score ?? 0) >= hit.score));

    const tools = (await search(['readers'], 'q=note&type=tool')).body;
    assert.deepEqual(tools.results.map((hit: { name: string }) => hit.name).sort(), ['add_note', 'list_notes']);
    const listNotes = tools.results.find((hit: { name: string }) => hit.name === 'list_notes');
    assert.deepEqual(listNotes.input_schema, { type: 'object' });
    assert.equal(listNotes.description, 'Lists every note');

    const agents = (await search(['readers'], 'q=journey&type=agent')).body;
    assert.deepEqual(agents.results.map((hit: { path: string }) => hit.path), ['/agents/trips']);
    assert.deepEqual((await search(['readers'], 'q=xylophone')).body.results, []);
  });

  test('answers only what the caller may see: visibility and UI-Scopes', async () => {
    const paths = async (groups: string[], query: string) =>
      (await search(groups, query)).body.results.map((hit: { path?: string; server_path?: string }) => hit.path ?? hit.server_path);
    assert.deepEqual(await paths(['readers'], 'q=forecast+weather'), []);
    assert.deepEqual(await paths(['weather-team'], 'q=forecast+weather'), ['/weather', '/weather']);
    assert.deepEqual(await paths(['time-only'], 'q=note+time+travel'), ['/currenttime', '/currenttime']);
    assert.deepEqual(await paths([], 'q=time'), []);
  });

  test('refuses a bad query with REGISTRY_INVALID_QUERY and an unauthenticated one with 401', async () => {
    for (const query of ['', 'q=', 'q=time&type=prompt', 'q=time&limit=0', 'q=time&limit=1000', `q=${'x'.repeat(501)}`]) {
      const response = await search(['readers'], query);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'REGISTRY_INVALID_QUERY');
    }
    assert.equal((await request(running.registry.url).get('/api/search?q=time')).status, 401);
    assert.equal((await search(['readers'], 'q=note&limit=1')).body.results.length, 1);
  });
});

describe('search API, hybrid ranking with an OpenAI-compatible embeddings endpoint', () => {
  let embeddings: EmbeddingsServer;
  let running: Running;
  before(async () => {
    embeddings = await startEmbeddingsServer();
    running = await start({ bm25Weight: 0.4, vectorWeight: 0.6, embeddings: { url: `${embeddings.url}/v1/embeddings`, model: 'test-model', apiKey: 'embeddings-key', timeoutMs: 2000 } });
  });
  after(async () => {
    await running.close();
    await embeddings.close();
  });
  const search = async (query: string) =>
    (await request(running.registry.url).get(`/api/search?${query}`).set('authorization', `Bearer ${await running.token(['readers'])}`).expect(200)).body;

  test('vector similarity finds what shares no keyword, and the endpoint gets the model and key', async () => {
    const clock = await search('q=clock&type=server');
    assert.equal(clock.mode, 'hybrid');
    assert.deepEqual(clock.results.map((hit: { path: string }) => hit.path), ['/currenttime']);
    const memo = await search('q=memo&type=tool');
    assert.deepEqual(memo.results.map((hit: { name: string }) => hit.name).sort(), ['add_note', 'list_notes']);
    const last = embeddings.requests.at(-1);
    assert.equal(last?.body.model, 'test-model');
    assert.equal(last?.authorization, 'Bearer embeddings-key');
    assert.equal(last?.body.input?.[0], 'memo');
  });

  test('documents are embedded once; later searches send only the query', async () => {
    await search('q=umbrella');
    const before = embeddings.requests.length;
    await search('q=flight');
    assert.equal(embeddings.requests.length, before + 1);
    assert.deepEqual(embeddings.requests.at(-1)?.body.input, ['flight']);
  });

  test('when the endpoint fails, search still answers by keywords', async () => {
    await embeddings.close();
    const answer = await search('q=notebook&type=server');
    assert.equal(answer.mode, 'bm25');
    assert.deepEqual(answer.results.map((hit: { path?: string }) => hit.path), ['/notes']);
  });
});

test('search settings from the environment: weights, provider, endpoint; onnx and bad values refused', () => {
  assert.deepEqual(searchSettingsFromEnv({}), { bm25Weight: 0.5, vectorWeight: 0.5 });
  const settings = searchSettingsFromEnv({ EMBEDDINGS_PROVIDER: 'openai', EMBEDDINGS_URL: 'http://litellm:4000', EMBEDDINGS_MODEL: 'm', SEARCH_BM25_WEIGHT: '0.2', SEARCH_VECTOR_WEIGHT: '0.8' });
  assert.equal(settings.embeddings?.url, 'http://litellm:4000/v1/embeddings');
  assert.equal(settings.bm25Weight, 0.2);
  assert.equal(embeddingsEndpoint('http://x/v1/'), 'http://x/v1/embeddings');
  assert.equal(embeddingsEndpoint('http://x/custom/embeddings'), 'http://x/custom/embeddings');
  assert.throws(() => searchSettingsFromEnv({ EMBEDDINGS_PROVIDER: 'onnx' }), /onnx/);
  assert.throws(() => searchSettingsFromEnv({ EMBEDDINGS_PROVIDER: 'openai' }), /EMBEDDINGS_URL[\s\S]*EMBEDDINGS_MODEL/);
  assert.throws(() => searchSettingsFromEnv({ SEARCH_BM25_WEIGHT: '-1' }), /SEARCH_BM25_WEIGHT/);
});
