import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { filterListAnswers } from '../../gateway/src/mcp/filter-list-answers.js';
import { createSseDataTransform } from '../../gateway/src/mcp/sse-data-transform.js';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { rawRequest } from './support/raw-request.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { route } from './support/route-feed-server.js';

const TOOLS = [{ name: 'echo', inputSchema: {} }, { name: 'add', inputSchema: {} }, { name: 'admin_reset', inputSchema: {} }];
const listAnswer = (id: unknown) => JSON.stringify({ jsonrpc: '2.0', id, result: { tools: TOOLS, nextCursor: 'c2' } });
const namesIn = (text: string) => (JSON.parse(text) as { result: { tools: Array<{ name: string }> } }).result.tools.map((tool) => tool.name);

/** filterListAnswers for tools/list answers alone, with the tools named exactly. */
function filterToolsList(text: string, allowanceFor: (id: unknown) => '*' | ReadonlySet<string> | undefined): string | undefined {
  return filterListAnswers(text, (id) => {
    const allowance = allowanceFor(id);
    if (allowance === undefined) return undefined;
    return { 'tools/list': allowance === '*' ? '*' : (name: string) => allowance.has(name) };
  });
}

describe('filterToolsList', () => {
  const allowed = new Set(['echo', 'add']);
  const forId = (wanted: unknown, allowance: '*' | Set<string> = allowed) => (id: unknown) => (id === wanted ? allowance : undefined);
  test('keeps only the allowed tools and every other member', () => {
    const out = filterToolsList(listAnswer(3), forId(3))!;
    assert.deepEqual(namesIn(out), ['echo', 'add']);
    assert.equal(JSON.parse(out).result.nextCursor, 'c2');
  });
  test('an empty set removes every tool', () => assert.deepEqual(namesIn(filterToolsList(listAnswer(3), forId(3, new Set()))!), []));
  test('`*` changes nothing', () => assert.equal(filterToolsList(listAnswer(3), forId(3, '*')), undefined));
  test('leaves other messages alone', () => {
    assert.equal(filterToolsList(listAnswer(4), forId(3)), undefined);
    assert.equal(filterToolsList(listAnswer('3'), forId(3)), undefined);
    assert.equal(filterToolsList(JSON.stringify({ jsonrpc: '2.0', id: 3, error: { code: 1, message: 'x' } }), forId(3)), undefined);
    assert.equal(filterToolsList('{"jsonrpc":"2.0","method":"notifications/message"}', forId(3)), undefined);
    assert.equal(filterToolsList('not json', forId(3)), undefined);
  });
  test('filters the tools/list answers inside a batch answer', () => {
    const batch = `[${listAnswer(1)},{"jsonrpc":"2.0","id":2,"result":{}},${listAnswer(3)}]`;
    const out = JSON.parse(filterToolsList(batch, (id) => (id === 1 || id === 3 ? allowed : undefined))!);
    assert.deepEqual(out.map((message: { result: { tools?: Array<{ name: string }> } }) => message.result.tools?.map((tool) => tool.name)), [
      ['echo', 'add'],
      undefined,
      ['echo', 'add'],
    ]);
  });
  test('drops tools without a name', () => {
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'echo' }, {}, null, { name: 7 }] } });
    assert.deepEqual(namesIn(filterToolsList(text, forId(1))!), ['echo']);
  });
});

describe('the event-stream rewrite', () => {
  const notification = 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n';
  const rewrite = (data: string) => filterToolsList(data, (id) => (id === 9 ? new Set(['add']) : undefined));

  const run = async (chunks: Array<string | Buffer>): Promise<string> => {
    const transform = createSseDataTransform(rewrite);
    const out: Buffer[] = [];
    transform.on('data', (chunk: Buffer) => out.push(chunk));
    for (const chunk of chunks) transform.write(chunk);
    transform.end();
    await once(transform, 'end');
    return Buffer.concat(out).toString('utf8');
  };

  for (const ending of ['\n', '\r\n', '\r']) {
    test(`rewrites only the response event, whatever the chunking (${JSON.stringify(ending)} line endings)`, async () => {
      const answer = JSON.stringify({ jsonrpc: '2.0', id: 9, result: { tools: TOOLS } });
      const cut = answer.indexOf('"id"');
      const split = `${answer.slice(0, cut)}${ending}data: ${answer.slice(cut)}`;
      const input = [`: comment`, `id: 1`, `event: message`, `data: ${split}`, '', 'event: message', 'data: {"after":true}', '', '']
        .join(ending)
        .replace(/\r$/, '');
      const events = `${notification.replaceAll('\n', ending)}${input}`;
      const bytes = Buffer.from(events, 'utf8');
      const oneByOne = await run([...bytes].map((byte) => Buffer.from([byte])));
      const whole = await run([bytes]);
      assert.equal(oneByOne, whole);
      assert.ok(whole.startsWith(notification.replaceAll('\n', ending)));
      const dataLines = whole.split(/\r\n|\r|\n/).filter((line) => line.startsWith('data: '));
      assert.equal(dataLines.length, 3);
      assert.deepEqual(namesIn(dataLines[1]!.slice(6)), ['add']);
      assert.equal(dataLines[2], 'data: {"after":true}');
      assert.match(whole, /: comment/);
      assert.match(whole, /id: 1/);
    });
  }

  test('an event that is not the response goes out as soon as it is complete', async () => {
    const transform = createSseDataTransform(rewrite);
    transform.write(notification);
    const [chunk] = (await once(transform, 'data')) as [Buffer];
    assert.equal(chunk.toString('utf8'), notification);
    transform.destroy();
  });
});

describe('tools/list answers through the gateway', () => {
  let stack: GatewayStack;
  let upstream: RecordingUpstream;

  before(async () => {
    upstream = await startRecordingUpstream();
    stack = await startGatewayStack([route('/tools', `${upstream.url}/`)]);
  });
  after(async () => {
    await stack.close();
    await upstream.close();
  });

  const list = (id: unknown, method = 'tools/list') =>
    rawRequest(`${stack.gateway.url}/tools/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id, method }),
    });

  test('a JSON answer is rewritten with a correct Content-Length', async () => {
    stack.auth.allowedTools = ['echo', 'admin_reset'];
    upstream.handler = (_request, res) => void res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': '1' }).end(listAnswer(1));
    const response = await list(1);
    assert.equal(response.status, 200);
    assert.deepEqual(namesIn(response.body.toString()), ['echo', 'admin_reset']);
    assert.equal(response.headers['content-length'], String(response.body.length));
    assert.equal(response.headers['x-upstream'], '1');
  });

  test('an SSE answer has only the response event rewritten', async () => {
    stack.auth.allowedTools = ['add'];
    const progress = 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"tools":["admin_reset"]}}\n\n';
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(progress);
      res.end(`event: message\nid: 77\ndata: ${listAnswer('list-2')}\n\n`);
    };
    const response = await list('list-2');
    const text = response.body.toString();
    assert.ok(text.startsWith(progress));
    const last = text.slice(progress.length);
    assert.match(last, /^event: message\nid: 77\ndata: /);
    assert.deepEqual(namesIn(last.split('data: ')[1]!), ['add']);
  });

  test('`*` leaves the answer untouched', async () => {
    stack.auth.allowedTools = '*';
    upstream.handler = (_request, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(listAnswer(5));
    const response = await list(5);
    assert.equal(response.body.toString(), listAnswer(5));
  });

  test('without X-Allowed-Tools in the grant no tool is shown', async () => {
    stack.auth.answer = () => ({ status: 200, headers: { 'x-user': 'alice' } });
    try {
      upstream.handler = (_request, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(listAnswer(6));
      assert.deepEqual(namesIn((await list(6)).body.toString()), []);
    } finally {
      stack.auth.answer = () => 'verify';
    }
  });

  test('a tools/list inside a batch is filtered too', async () => {
    stack.auth.allowedTools = ['echo'];
    upstream.handler = (_request, res) =>
      void res.writeHead(200, { 'content-type': 'application/json' }).end(`[${listAnswer('b1')},{"jsonrpc":"2.0","id":"b2","result":{}}]`);
    const response = await rawRequest(`${stack.gateway.url}/tools/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ jsonrpc: '2.0', id: 'b1', method: 'tools/list' }, { jsonrpc: '2.0', id: 'b2', method: 'ping' }]),
    });
    const [listed, pong] = response.json();
    assert.deepEqual(listed.result.tools.map((tool: { name: string }) => tool.name), ['echo']);
    assert.deepEqual(pong, { jsonrpc: '2.0', id: 'b2', result: {} });
  });

  test('a tools list nobody asked for on a GET event stream shows no tools', async () => {
    stack.auth.allowedTools = '*';
    upstream.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: message\ndata: ${listAnswer('replayed')}\n\n`);
    };
    const response = await rawRequest(`${stack.gateway.url}/tools/mcp`, { headers: { authorization: `Bearer ${stack.token}` } });
    assert.deepEqual(namesIn(response.body.toString().split('data: ')[1]!), []);
  });

  test('answers to other methods are not touched', async () => {
    stack.auth.allowedTools = [];
    upstream.handler = (_request, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(listAnswer(7));
    assert.equal((await list(7, 'resources/list')).body.toString(), listAnswer(7));
  });

  test('a compressed answer that must be filtered is refused rather than leaked', async () => {
    stack.auth.allowedTools = ['add'];
    upstream.handler = (_request, res) => void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end('x');
    const response = await list(8);
    assert.equal(response.status, 502);
    assert.equal(response.json().error.data.code, 'GW_UPSTREAM_BAD_RESPONSE');
    assert.equal(upstream.received.at(-1)!.headers['accept-encoding'], 'identity');
  });
});
