import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test, mock } from 'node:test';
import type { Transform } from 'node:stream';
import { createSseKeepAlive, SSE_KEEP_ALIVE } from '../../gateway/src/proxy/sse-keep-alive.js';

const INTERVAL = 1000;
const COMMENT = SSE_KEEP_ALIVE.toString();

describe('SSE keep-alive comments', () => {
  let stream: Transform;
  let out: string;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval'] });
    stream = createSseKeepAlive(INTERVAL);
    out = '';
    stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
  });
  afterEach(() => {
    stream.destroy();
    mock.timers.reset();
  });

  const write = (text: string) => new Promise<void>((resolve) => stream.write(text, () => resolve()));
  const idle = async (intervals: number) => {
    for (let tick = 0; tick < intervals; tick += 1) {
      mock.timers.tick(INTERVAL);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  test('an idle stream gets a comment every interval, from its very start', async () => {
    await idle(3);
    assert.equal(out, COMMENT.repeat(3));
    assert.equal(COMMENT, ': keep-alive\n\n');
  });

  test('a stream that keeps sending gets none', async () => {
    for (let step = 0; step < 4; step += 1) {
      await write(`id: ${step}\ndata: {}\n\n`);
      await idle(1);
    }
    assert.equal(out.includes('keep-alive'), false);
  });

  test('comments go only between events and leave every byte of the events as it was', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['after a whole event', 'id: 7\nretry: 3000\ndata: {"a":1}\n\n', true],
      ['after a whole event with CRLF endings', 'id: 7\r\ndata: {"a":1}\r\n\r\n', true],
      ['after a priming event', 'id: abc\ndata: \n\n', true],
      ['after a comment line', ': upstream ping\n', true],
      ['inside an event, after its id line', 'id: 8\n', false],
      ['inside an event, after a data line', 'event: message\ndata: {"a":1}\n', false],
      ['inside a line', 'data: {"a":', false],
      ['inside an event with CRLF endings', 'id: 9\r\n', false],
    ];
    for (const [name, sent, expectComment] of cases) {
      out = '';
      await write(sent);
      await idle(2);
      const expected = expectComment ? `${sent}${COMMENT}` : sent;
      assert.equal(out, expected, name);
      stream.destroy();
      stream = createSseKeepAlive(INTERVAL);
      stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
    }
  });

  test('an event finished later gets comments after it, not before', async () => {
    await write('id: 1\ndata: x');
    await idle(2);
    await write('\n\n');
    await idle(2);
    assert.equal(out, `id: 1\ndata: x\n\n${COMMENT}`);
  });

  test('a stream that ended or was destroyed gets no more comments', async () => {
    stream.end('data: last\n\n');
    await new Promise((resolve) => stream.once('end', resolve));
    await idle(3);
    assert.equal(out, 'data: last\n\n');
  });
});
