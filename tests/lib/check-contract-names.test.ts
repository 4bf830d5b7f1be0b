import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALLOWED_PROMPTS_HEADER, ALLOWED_RESOURCES_HEADER, decodeAllowedNames, decodeMessageHeaders, encodeAllowedNames, encodeMessageHeaders,
  normaliseHeaderName, RESERVED_HEADER_NAMES,
} from '@mcpgw/lib/check/check-contract.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import { parseJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import { allowsName, nameAllowance } from '@mcpgw/lib/scopes/name-allowance.js';

const roundTrip = (messages: JsonRpcMessageView[], batch: boolean) => {
  const headers = encodeMessageHeaders(messages, batch);
  for (const value of Object.values(headers)) assert.match(value, /^[\x20-\x7e]*$/, 'header values are printable ASCII');
  return decodeMessageHeaders((name) => headers[name]);
};

describe('parseJsonRpcBody: prompts and resources', () => {
  const rows: Array<[string, string, JsonRpcMessageView]> = [
    ['prompts/get names its prompt', '{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"greet","arguments":{}}}', { method: 'prompts/get', prompt: 'greet' }],
    ['prompts/get without a name', '{"jsonrpc":"2.0","id":1,"method":"prompts/get"}', { method: 'prompts/get', prompt: '' }],
    ['prompts/get with a non-string name', '{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":7}}', { method: 'prompts/get', prompt: '' }],
    ['resources/read names its URI', '{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"test://a"}}', { method: 'resources/read', uri: 'test://a' }],
    ['resources/subscribe names its URI', '{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"test://b"}}', { method: 'resources/subscribe', uri: 'test://b' }],
    ['resources/read with params not an object', '{"jsonrpc":"2.0","id":1,"method":"resources/read","params":"x"}', { method: 'resources/read', uri: '' }],
    ['resources/list carries no URI', '{"jsonrpc":"2.0","id":1,"method":"resources/list","params":{"uri":"test://a"}}', { method: 'resources/list' }],
    ['resources/unsubscribe is not checked by URI', '{"jsonrpc":"2.0","id":1,"method":"resources/unsubscribe","params":{"uri":"test://a"}}', { method: 'resources/unsubscribe' }],
    ['a prompt completion names its prompt', '{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"a","value":"b"}}}', { method: 'completion/complete', prompt: 'greet' }],
    ['a resource completion names its URI', '{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/resource","uri":"test://t/{id}"}}}', { method: 'completion/complete', uri: 'test://t/{id}' }],
    ['a completion with another ref names nothing', '{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/other","name":"x","uri":"y"}}}', { method: 'completion/complete' }],
    ['a completion with an empty name names nothing', '{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":""}}}', { method: 'completion/complete' }],
    ['a completion without a ref names nothing', '{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{}}', { method: 'completion/complete' }],
  ];
  for (const [name, body, view] of rows) {
    test(name, () => {
      const parsed = parseJsonRpcBody(body);
      assert.ok(parsed.ok);
      if (parsed.ok) assert.deepEqual(parsed.messages, [view]);
    });
  }
});

describe('check contract: prompts and resources', () => {
  test('a single prompts/get sends X-MCP-Prompt and the aligned list', () => {
    const headers = encodeMessageHeaders([{ method: 'prompts/get', prompt: 'greet me' }], false);
    assert.equal(headers['x-mcp-prompt'], 'greet%20me');
    assert.equal(headers['x-mcp-prompts'], 'greet%20me');
    assert.equal(headers['x-mcp-resources'], undefined);
    assert.deepEqual(roundTrip([{ method: 'prompts/get', prompt: 'greet me' }], false), { messages: [{ method: 'prompts/get', prompt: 'greet me' }], batch: false });
  });

  test('a single resources/read sends X-MCP-Resource', () => {
    const uri = 'file:///a,b/ü?x=1#y';
    const headers = encodeMessageHeaders([{ method: 'resources/read', uri }], false);
    assert.equal(decodeURIComponent(headers['x-mcp-resource']!), uri);
    assert.deepEqual(roundTrip([{ method: 'resources/read', uri }], false), { messages: [{ method: 'resources/read', uri }], batch: false });
  });

  test('a batch keeps every name aligned with its message', () => {
    const messages: JsonRpcMessageView[] = [
      { method: 'prompts/get', prompt: 'a,b' },
      {},
      { method: 'resources/read', uri: 'test://x,y' },
      { method: 'tools/call', tool: 't' },
      { method: 'resources/subscribe', uri: '' },
      { method: 'completion/complete', prompt: 'p,q' },
      { method: 'completion/complete', uri: 'test://t/{id}' },
      { method: 'completion/complete' },
      { method: 'ping' },
    ];
    assert.deepEqual(roundTrip(messages, true), { messages, batch: true });
  });

  test('requests without prompts or resources send no such headers', () => {
    const headers = encodeMessageHeaders([{ method: 'tools/list' }], false);
    assert.deepEqual(Object.keys(headers).sort(), ['x-mcp-method', 'x-mcp-methods', 'x-mcp-tools']);
  });

  const decodeRows: Array<[string, Record<string, string>, JsonRpcMessageView[]]> = [
    ['a lone X-MCP-Method with X-MCP-Prompt', { 'x-mcp-method': 'prompts%2Fget', 'x-mcp-prompt': 'p' }, [{ method: 'prompts/get', prompt: 'p' }]],
    ['a lone X-MCP-Method with X-MCP-Resource', { 'x-mcp-method': 'resources/read', 'x-mcp-resource': 'test%3A%2F%2Fa' }, [{ method: 'resources/read', uri: 'test://a' }]],
    ['prompts/get without its prompt gets an empty name', { 'x-mcp-method': 'prompts/get' }, [{ method: 'prompts/get', prompt: '' }]],
    ['resources/read without X-MCP-Resources gets an empty URI', { 'x-mcp-methods': 'resources%2Fread', 'x-mcp-tools': '' }, [{ method: 'resources/read', uri: '' }]],
    ['a prompt header on another method is ignored', { 'x-mcp-method': 'tools/list', 'x-mcp-prompt': 'p' }, [{ method: 'tools/list' }]],
    ['a lone completion with X-MCP-Prompt', { 'x-mcp-method': 'completion%2Fcomplete', 'x-mcp-prompt': 'p' }, [{ method: 'completion/complete', prompt: 'p' }]],
    ['a lone completion naming nothing', { 'x-mcp-method': 'completion/complete' }, [{ method: 'completion/complete' }]],
  ];
  for (const [name, headers, messages] of decodeRows) {
    test(name, () => assert.deepEqual(decodeMessageHeaders((header) => headers[header])?.messages, messages));
  }

  test('allowed names round-trip', () => {
    assert.equal(decodeAllowedNames(encodeAllowedNames('*')), '*');
    const allowance = nameAllowance(['a,b', 'test://docs/*', 'ü']);
    const decoded = decodeAllowedNames(encodeAllowedNames(allowance));
    assert.deepEqual(decoded, allowance);
    assert.equal(allowsName(decoded, 'test://docs/x'), true);
    assert.equal(allowsName(decoded, 'a'), false);
    assert.match(encodeAllowedNames(allowance), /^[\x20-\x7e]*$/);
  });

  test('a missing or empty allowance allows nothing', () => {
    for (const header of [undefined, '']) {
      const decoded = decodeAllowedNames(header);
      assert.notEqual(decoded, '*');
      assert.equal(allowsName(decoded, 'a'), false);
    }
    assert.equal(encodeAllowedNames(nameAllowance([])), '');
  });

  test('the new headers are reserved in every spelling', () => {
    for (const spelling of [ALLOWED_PROMPTS_HEADER, ALLOWED_RESOURCES_HEADER, 'X_Allowed_Prompts', 'X-MCP-PROMPT', 'x_mcp_resources', 'X-Mcp-Resource']) {
      assert.ok(RESERVED_HEADER_NAMES.has(normaliseHeaderName(spelling)), spelling);
    }
  });
});
