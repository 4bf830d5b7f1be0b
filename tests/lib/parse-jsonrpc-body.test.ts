import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';

describe('parseJsonRpcBody', () => {
  test('a request', () => {
    assert.deepEqual(parseJsonRpcBody('{"jsonrpc":"2.0","id":7,"method":"tools/list"}'), {
      ok: true, batch: false, messages: [{ method: 'tools/list' }], ids: [7],
    });
  });
  test('a tools/call names its tool', () => {
    const parsed = parseJsonRpcBody(Buffer.from('{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"get_x","arguments":{}}}'));
    assert.deepEqual(parsed, { ok: true, batch: false, messages: [{ method: 'tools/call', tool: 'get_x' }], ids: ['a'] });
  });
  test('a notification and a response', () => {
    const parsed = parseJsonRpcBody('[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":1,"result":{}}]');
    assert.deepEqual(parsed, { ok: true, batch: true, messages: [{ method: 'notifications/initialized' }, {}], ids: [null, 1] });
  });
  const invalid: Array<[string, string, number]> = [
    ['not JSON', '{"jsonrpc":', JSONRPC_PARSE_ERROR],
    ['empty body', '', JSONRPC_PARSE_ERROR],
    ['empty batch', '[]', JSONRPC_INVALID_REQUEST],
    ['a number', '42', JSONRPC_INVALID_REQUEST],
    ['wrong version', '{"jsonrpc":"1.0","id":1,"method":"ping"}', JSONRPC_INVALID_REQUEST],
    ['method not a string', '{"jsonrpc":"2.0","id":1,"method":5}', JSONRPC_INVALID_REQUEST],
    ['tools/call without a name', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}', JSONRPC_INVALID_REQUEST],
    ['tools/call with a non-string name', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":["a"]}}', JSONRPC_INVALID_REQUEST],
    ['neither request nor response', '{"jsonrpc":"2.0","id":1}', JSONRPC_INVALID_REQUEST],
    ['batch with a bad member', '[{"jsonrpc":"2.0","id":1,"method":"ping"}, 3]', JSONRPC_INVALID_REQUEST],
  ];
  for (const [name, body, code] of invalid) {
    test(`refuses ${name}`, () => {
      const parsed = parseJsonRpcBody(body);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.equal(parsed.code, code);
    });
  }
  test('an invalid single request keeps its id for the error answer', () => {
    const parsed = parseJsonRpcBody('{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{}}');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.equal(parsed.id, 9);
  });
});
