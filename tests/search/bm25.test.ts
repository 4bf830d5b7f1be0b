import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bm25Scores } from '../../registry/src/search/bm25.js';
import { tokenize } from '../../registry/src/search/tokenize.js';
import { cosineSimilarity } from '../../registry/src/search/embeddings-client.js';

test('tokenize splits identifiers and drops stopwords', () => {
  const cases: Array<[string, string[]]> = [
    ['get_current_time', ['get', 'current', 'time']],
    ['getCurrentTime', ['get', 'current', 'time']],
    ['HTTPServer list-notes', ['http', 'server', 'list', 'notes']],
    ['What is the time in Tokyo?', ['time', 'tokyo']],
    ['Zeitzone für München', ['zeitzone', 'für', 'münchen']],
    ['', []],
  ];
  for (const [text, terms] of cases) assert.deepEqual(tokenize(text), terms, text);
});

const doc = (name: string, description = '') => ({ fields: [{ text: name, weight: 3 }, { text: description, weight: 1 }] });

test('bm25: matching documents score above others, rarer terms weigh more, names more than descriptions', () => {
  const documents = [doc('current_time', 'the time in a zone'), doc('list_notes', 'lists notes'), doc('forecast', 'weather and time of sunrise'), doc('echo')];
  const [time, notes, forecast, echo] = bm25Scores(documents, 'time');
  assert.ok((time ?? 0) > (forecast ?? 0), 'in the name beats in the description');
  assert.ok((forecast ?? 0) > 0);
  assert.equal(notes, 0);
  assert.equal(echo, 0);

  const [, notesBoth, forecastBoth] = bm25Scores(documents, 'notes weather');
  assert.ok((notesBoth ?? 0) > 0 && (forecastBoth ?? 0) > 0);
  const [common, rare] = bm25Scores([doc('x', 'time'), doc('y', 'sunrise'), doc('z', 'time'), doc('w', 'time')], 'time sunrise');
  assert.ok((rare ?? 0) > (common ?? 0), 'a term few documents have counts more');
  assert.deepEqual(bm25Scores(documents, 'the a of'), [0, 0, 0, 0], 'stopwords alone match nothing');
  assert.deepEqual(bm25Scores([], 'time'), []);
});

test('cosine similarity', () => {
  assert.equal(cosineSimilarity([1, 0], [1, 0]), 1);
  assert.equal(cosineSimilarity([1, 0], [0, 1]), 0);
  assert.equal(cosineSimilarity([1, 1], [-1, -1]), -1);
  assert.equal(cosineSimilarity([0, 0], [1, 1]), 0);
  assert.equal(cosineSimilarity([1, 2], [1, 2, 3]), 0);
});
