import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePolicy, resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import { decideAccess } from '@mcpgw/lib/scopes/decide-access.js';
import { validateScopes } from '@mcpgw/lib/scopes/parse-scopes.js';
import type { JsonRpcMessageView, McpRequestView } from '@mcpgw/lib/jsonrpc/message-view.js';

/**
 * The access rules written out as plainly as possible, straight from the README, to check the
 * compiled decision against: random policies and requests must never be allowed where this denies.
 */
interface Entry { server: string; methods?: string[]; tools?: string[] }
type Doc = { group_mappings: Record<string, string[]> } & Record<string, unknown>;

const LIFECYCLE = ['initialize', 'notifications/initialized', 'notifications/cancelled', 'ping'];
const strip = (path: string) => path.replace(/^\/+/, '').replace(/\/+$/, '');

function referenceAllows(doc: Doc, groups: string[], tokenScopes: string[], server: string, request: McpRequestView): boolean {
  const scopes = new Set<string>();
  for (const group of groups) for (const scope of doc.group_mappings[group] ?? []) scopes.add(scope);
  for (const scope of tokenScopes) if (Array.isArray(doc[scope])) scopes.add(scope);
  const entries: Entry[] = [];
  for (const scope of scopes) {
    const list = doc[scope];
    if (!Array.isArray(list)) continue;
    for (const entry of list as Entry[]) if (entry.server === '*' || strip(entry.server) === strip(server)) entries.push(entry);
  }
  if (entries.length === 0) return false;
  if (request.messages === null) return ['GET', 'HEAD', 'DELETE'].includes(request.httpMethod);
  return request.messages.every((message) => {
    if (message.method === undefined) return true;
    if (LIFECYCLE.includes(message.method)) return true;
    if (message.method === 'tools/call') {
      return entries.some((entry) => (entry.tools ?? []).some((tool) => tool === 'all' || tool === '*' || tool === message.tool));
    }
    return entries.some((entry) =>
      (entry.methods ?? []).some(
        (method) => method === 'all' || method === '*' || method === message.method || (method.endsWith('/*') && method.length > 2 && message.method!.startsWith(method.slice(0, -1))),
      ),
    );
  });
}

const servers = ['a', 'b', 'team/c'];
const methodNames = ['initialize', 'ping', 'tools/list', 'tools/call', 'resources/read', 'resources/list', 'prompts/get', 'notifications/initialized', 'logging/setLevel'];
const toolNames = ['t1', 't2', 'T1'];

const entryArb = fc.record({
  server: fc.constantFrom('*', 'a', '/a', 'b/', '/team/c/', 'other'),
  methods: fc.option(fc.subarray([...methodNames, 'all', '*', 'resources/*', 'tools/*']), { nil: undefined }),
  tools: fc.option(fc.subarray([...toolNames, 'all', '*']), { nil: undefined }),
});
const docArb = fc
  .record({
    s1: fc.array(entryArb, { maxLength: 3 }),
    s2: fc.array(entryArb, { maxLength: 3 }),
    s3: fc.array(entryArb, { maxLength: 3 }),
    mapping: fc.record({ g1: fc.subarray(['s1', 's2', 's3']), g2: fc.subarray(['s1', 's2', 's3']) }),
  })
  .map(({ s1, s2, s3, mapping }) => {
    const clean = (entries: Array<{ server: string; methods: string[] | undefined; tools: string[] | undefined }>) =>
      entries.map((entry) => ({ server: entry.server, ...(entry.methods ? { methods: entry.methods } : {}), ...(entry.tools ? { tools: entry.tools } : {}) }));
    return { group_mappings: mapping, s1: clean(s1), s2: clean(s2), s3: clean(s3) } as Doc;
  });
const messageArb: fc.Arbitrary<JsonRpcMessageView> = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...methodNames.filter((m) => m !== 'tools/call')).map((method) => ({ method })),
  fc.constantFrom(...toolNames, 'x').map((tool) => ({ method: 'tools/call', tool })),
);
const requestArb: fc.Arbitrary<McpRequestView> = fc.oneof(
  fc.constantFrom('GET', 'DELETE', 'PUT', 'POST').map((httpMethod) => ({ httpMethod, messages: null, batch: false })),
  fc.array(messageArb, { minLength: 1, maxLength: 4 }).map((messages) => ({ httpMethod: 'POST', messages, batch: messages.length > 1 })),
);

describe('property: the compiled decision equals the plain reading of the rules', () => {
  test('random policies, callers and requests', () => {
    fc.assert(
      fc.property(
        docArb,
        fc.subarray(['g1', 'g2', 'g3']),
        fc.subarray(['s1', 's2', 's3', 'unknown']),
        fc.constantFrom(...servers),
        requestArb,
        (doc, groups, tokenScopes, server, request) => {
          const policy = compilePolicy(validateScopes(doc));
          const decided = decideAccess(policy, resolveScopes(policy, groups, tokenScopes), server, request).allowed;
          assert.equal(decided, referenceAllows(doc, groups, tokenScopes, server, request));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
