import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeAllowedTools, decodeMessageHeaders, encodeAllowedTools, encodeMessageHeaders, normaliseHeaderName, RESERVED_HEADER_NAMES,
} from '@mcpgw/lib/check/check-contract.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';

const roundTrip = (messages: JsonRpcMessageView[], batch: boolean) => {
  const headers = encodeMessageHeaders(messages, batch);
  for (const value of Object.values(headers)) assert.match(value, /^[\x20-\x7e]*$/, 'header values are printable ASCII');
  return decodeMessageHeaders((name) => headers[name]);
};

describe('check contract encoding', () => {
  test('a single tools/call', () => {
    const headers = encodeMessageHeaders([{ method: 'tools/call', tool: 'get_time' }], false);
    assert.equal(headers['x-mcp-method'], 'tools%2Fcall');
    assert.equal(headers['x-mcp-tool'], 'get_time');
    assert.deepEqual(roundTrip([{ method: 'tools/call', tool: 'get_time' }], false), { messages: [{ method: 'tools/call', tool: 'get_time' }], batch: false });
  });
  test('a batch with responses and awkward tool names', () => {
    const messages: JsonRpcMessageView[] = [{ method: 'tools/list' }, {}, { method: 'tools/call', tool: 'a,b%c ü\r\n' }, { method: 'ping' }];
    const headers = encodeMessageHeaders(messages, true);
    assert.equal(headers['x-mcp-method'], 'batch');
    assert.deepEqual(roundTrip(messages, true), { messages, batch: true });
  });
  test('a lone X-MCP-Method from a simpler caller', () => {
    const headers: Record<string, string> = { 'x-mcp-method': 'tools/call', 'x-mcp-tool': 'x' };
    assert.deepEqual(decodeMessageHeaders((name) => headers[name]), { messages: [{ method: 'tools/call', tool: 'x' }], batch: false });
  });
  test('no headers describe no messages', () => {
    assert.equal(decodeMessageHeaders(() => undefined), null);
  });
  test('allowed tools', () => {
    assert.equal(decodeAllowedTools(encodeAllowedTools('*')), '*');
    assert.deepEqual(decodeAllowedTools(encodeAllowedTools(new Set(['a,b', 'c']))), new Set(['a,b', 'c']));
    assert.deepEqual(decodeAllowedTools(encodeAllowedTools(new Set())), new Set());
  });
  test('reserved names are found in every spelling', () => {
    for (const spelling of ['X-User', 'x_user', 'X_SCOPES', 'x-Auth_Method', 'X-GROUPS', 'X-Allowed-Tools', 'x_mcp_tool']) {
      assert.ok(RESERVED_HEADER_NAMES.has(normaliseHeaderName(spelling)), spelling);
    }
    assert.equal(RESERVED_HEADER_NAMES.has(normaliseHeaderName('X-Request-Id')), false);
  });
});
