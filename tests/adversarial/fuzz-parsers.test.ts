import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { parseJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import { canonicalServerPath, InvalidServerPathError } from '@mcpgw/lib/paths/canonical-path.js';
import { parseScopes, ScopesInvalidError } from '@mcpgw/lib/scopes/parse-scopes.js';

const RUNS = { numRuns: 2000 };

describe('property: the JSON-RPC peek', () => {
  test('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        parseJsonRpcBody(Buffer.from(bytes));
      }),
      RUNS,
    );
  });

  test('never throws on any JSON value and reads method and tool as JSON.parse does', () => {
    const message = fc.record(
      {
        jsonrpc: fc.oneof(fc.constant('2.0'), fc.string()),
        id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        method: fc.oneof(fc.constantFrom('tools/call', 'tools/list', 'ping', 'initialize'), fc.string(), fc.integer()),
        params: fc.oneof(fc.record({ name: fc.oneof(fc.string(), fc.integer()) }), fc.jsonValue()),
        result: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(message, fc.array(message, { maxLength: 4 }), fc.jsonValue()), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseJsonRpcBody(text);
        if (!parsed.ok) return;
        const items = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
        assert.equal(parsed.messages.length, items.length);
        parsed.messages.forEach((view, index) => {
          const item = items[index]!;
          assert.equal(item.jsonrpc, '2.0');
          if (view.method === undefined) {
            assert.ok(!('method' in item) && ('result' in item || 'error' in item));
            return;
          }
          assert.equal(view.method, item.method);
          if (view.method === 'tools/call') assert.equal(view.tool, (item.params as { name: unknown }).name);
        });
      }),
      RUNS,
    );
  });

  test('duplicate keys are judged as the upstream (JSON.parse) reads them: the last one wins', () => {
    const parsed = parseJsonRpcBody('{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call","params":{"name":"a","name":"b"}}');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.messages, [{ method: 'tools/call', tool: 'b' }]);
  });

  test('deeply nested JSON is refused or read, never a crash', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const parsed = parseJsonRpcBody(deep);
    assert.equal(parsed.ok, false);
  });
});

describe('property: the path canonicaliser', () => {
  const pathish = fc.array(fc.oneof(fc.constantFrom('/', '.', '..', '%2f', '%2e', '\\', ';', 'A', 'a', '-', '_', 'é', '\u0430', ' '), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(''));
  test('returns a canonical path or refuses with INVALID_SERVER_PATH; the result is a fixed point', () => {
    fc.assert(
      fc.property(pathish, (input) => {
        let canonical: string;
        try {
          canonical = canonicalServerPath(input);
        } catch (error) {
          assert.ok(error instanceof InvalidServerPathError);
          return;
        }
        assert.match(canonical, /^(\/[a-z0-9._-]+)+$/);
        for (const segment of canonical.split('/').slice(1)) assert.ok(segment !== '.' && segment !== '..');
        assert.equal(canonicalServerPath(canonical), canonical);
      }),
      RUNS,
    );
  });
});

describe('property: the scopes.yml parser', () => {
  const entry = fc.record(
    {
      server: fc.oneof(fc.constantFrom('*', 'a', '/b/', ''), fc.string({ maxLength: 5 })),
      methods: fc.array(fc.oneof(fc.constantFrom('all', '*', 'tools/list', 'resources/*'), fc.string({ maxLength: 5 })), { maxLength: 3 }),
      tools: fc.array(fc.oneof(fc.constantFrom('all', '*', 't'), fc.string({ maxLength: 5 })), { maxLength: 3 }),
      extra: fc.string(),
    },
    { requiredKeys: [] },
  );
  const document = fc.record(
    {
      group_mappings: fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })), fc.jsonValue()),
      'UI-Scopes': fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.dictionary(fc.constantFrom('list_service', 'nope'), fc.array(fc.string({ maxLength: 4 })))), fc.jsonValue()),
      s1: fc.oneof(fc.array(entry, { maxLength: 3 }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  test('any document is accepted or refused with SCOPES_INVALID, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(document.map((d) => yaml.dump(d)), fc.string({ maxLength: 80 })), (text) => {
        try {
          parseScopes(text);
        } catch (error) {
          assert.ok(error instanceof ScopesInvalidError, String(error));
          assert.ok(error.problems.length > 0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
