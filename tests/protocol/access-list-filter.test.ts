import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALLOWED_PROMPTS_HEADER, ALLOWED_RESOURCES_HEADER, ALLOWED_TOOLS_HEADER, decodeAllowedNames } from '@mcpgw/lib/check/check-contract.js';
import { parseJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import { compilePolicy, resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import { allowsName } from '@mcpgw/lib/scopes/name-allowance.js';
import { parseScopes } from '@mcpgw/lib/scopes/parse-scopes.js';
import { listAllowanceHeaders } from '../../auth-server/src/check/list-allowance-headers.js';
import type { AccessGrant } from '../../gateway/src/authz/check-access.js';
import { filterListAnswers, type ListAllowances } from '../../gateway/src/mcp/filter-list-answers.js';
import { planListFilter } from '../../gateway/src/mcp/plan-list-filter.js';
import { createStreamToolFilters } from '../../gateway/src/mcp/stream-tool-filters.js';

const only = (...names: string[]) => (name: string) => names.includes(name);
const answer = (id: unknown, result: unknown) => JSON.stringify({ jsonrpc: '2.0', id, result });
const listOf = (text: string, member: string, key: string) =>
  ((JSON.parse(text) as { result: Record<string, Array<Record<string, unknown>>> }).result[member] ?? []).map((item) => item[key]);

describe('filterListAnswers', () => {
  const rows: Array<{ name: string; allowances: ListAllowances; result: unknown; member: string; key: string; kept: unknown[] }> = [
    { name: 'tools by name', allowances: { 'tools/list': only('a') }, result: { tools: [{ name: 'a' }, { name: 'b' }] }, member: 'tools', key: 'name', kept: ['a'] },
    { name: 'prompts by name', allowances: { 'prompts/list': only('p2') }, result: { prompts: [{ name: 'p1' }, { name: 'p2' }] }, member: 'prompts', key: 'name', kept: ['p2'] },
    { name: 'resources by URI', allowances: { 'resources/list': only('u1') }, result: { resources: [{ uri: 'u1', name: 'u2' }, { uri: 'u2', name: 'u1' }] }, member: 'resources', key: 'uri', kept: ['u1'] },
    { name: 'templates by uriTemplate', allowances: { 'resources/templates/list': only('t/{x}') }, result: { resourceTemplates: [{ uriTemplate: 't/{x}' }, { uriTemplate: 's/{y}' }] }, member: 'resourceTemplates', key: 'uriTemplate', kept: ['t/{x}'] },
    { name: 'items without the key are dropped', allowances: { 'prompts/list': () => true }, result: { prompts: [{ name: 'p' }, {}, null, { name: 3 }, 'x'] }, member: 'prompts', key: 'name', kept: ['p'] },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const text = filterListAnswers(answer(1, { ...(row.result as object), nextCursor: 'n' }), (id) => (id === 1 ? row.allowances : undefined));
      assert.ok(text !== undefined);
      assert.deepEqual(listOf(text, row.member, row.key), row.kept);
      assert.equal((JSON.parse(text) as { result: { nextCursor: string } }).result.nextCursor, 'n');
    });
  }

  test('an allowance only touches its own list', () => {
    const text = answer(1, { tools: [{ name: 'a' }], prompts: [{ name: 'p' }] });
    const filtered = filterListAnswers(text, () => ({ 'prompts/list': () => false }))!;
    assert.deepEqual(listOf(filtered, 'tools', 'name'), ['a']);
    assert.deepEqual(listOf(filtered, 'prompts', 'name'), []);
  });

  test('`*`, other ids and non-list answers are left byte for byte', () => {
    const text = answer(1, { prompts: [{ name: 'p' }] });
    assert.equal(filterListAnswers(text, () => ({ 'prompts/list': '*' })), undefined);
    assert.equal(filterListAnswers(text, (id) => (id === 2 ? { 'prompts/list': () => false } : undefined)), undefined);
    assert.equal(filterListAnswers(answer(1, { contents: [] }), () => ({ 'resources/list': () => false })), undefined);
    assert.equal(filterListAnswers('{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}', () => ({ 'tools/list': () => false })), undefined);
    assert.equal(filterListAnswers('not json', () => ({ 'tools/list': () => false })), undefined);
  });

  test('each answer of a batch by its own id', () => {
    const batch = `[${answer(1, { prompts: [{ name: 'p' }, { name: 'q' }] })},${answer(2, { resources: [{ uri: 'a' }, { uri: 'b' }] })}]`;
    const filtered = JSON.parse(
      filterListAnswers(batch, (id) => (id === 1 ? { 'prompts/list': only('q') } : { 'resources/list': only('a') }))!,
    ) as Array<{ result: { prompts?: Array<{ name: string }>; resources?: Array<{ uri: string }> } }>;
    assert.deepEqual(filtered[0]!.result.prompts!.map((p) => p.name), ['q']);
    assert.deepEqual(filtered[1]!.result.resources!.map((r) => r.uri), ['a']);
  });
});

describe('planListFilter', () => {
  const grant = (headers: Partial<Record<'allowedTools' | 'allowedPrompts' | 'allowedResources', string>>): AccessGrant => ({
    identity: {},
    allowedTools: headers.allowedTools,
    allowedPrompts: headers.allowedPrompts,
    allowedResources: headers.allowedResources,
  });
  const parsed = (body: unknown) => {
    const result = parseJsonRpcBody(JSON.stringify(body));
    assert.ok(result.ok);
    return result;
  };

  test('nothing to filter when every list is allowed whole, or there is no list request', () => {
    const lists = parsed([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { jsonrpc: '2.0', id: 2, method: 'prompts/list' }]);
    assert.equal(planListFilter(lists.messages, lists.ids, grant({ allowedTools: '*', allowedPrompts: '*' }), undefined), undefined);
    const call = parsed({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } });
    assert.equal(planListFilter(call.messages, call.ids, grant({}), undefined), undefined);
  });

  test('each id gets the allowance of its method; a missing header shows nothing', () => {
    const body = parsed([
      { jsonrpc: '2.0', id: 1, method: 'prompts/list' },
      { jsonrpc: '2.0', id: 'r', method: 'resources/templates/list' },
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
    ]);
    const filter = planListFilter(body.messages, body.ids, grant({ allowedPrompts: 'a', allowedResources: 'test%3A%2F%2F*' }), undefined)!;
    assert.ok(filter);
    const prompts = filter(1)!['prompts/list'];
    assert.ok(typeof prompts === 'function' && prompts('a') && !prompts('b'));
    const templates = filter('r')!['resources/templates/list'];
    assert.ok(typeof templates === 'function' && templates('test://x/{y}') && !templates('file:///x'));
    const tools = filter(3)!['tools/list'];
    assert.ok(typeof tools === 'function' && !tools('anything'));
    assert.equal(filter(99), undefined);
  });

  test('a legacy event stream receives the allowances of the POSTs sent to it; unknown ids show nothing', () => {
    const streams = createStreamToolFilters();
    const opened = streams.open();
    opened.bind('/x/messages?sessionId=1');
    const body = parsed({ jsonrpc: '2.0', id: 5, method: 'prompts/list' });
    planListFilter(body.messages, body.ids, grant({ allowedPrompts: 'keep' }), streams.find('/x/messages?sessionId=1'));
    const listed = answer(5, { prompts: [{ name: 'keep' }, { name: 'drop' }] });
    assert.deepEqual(listOf(filterListAnswers(listed, opened.filter.allowanceFor)!, 'prompts', 'name'), ['keep']);
    const stray = answer(6, { resources: [{ uri: 'a' }], tools: [{ name: 't' }] });
    const hidden = filterListAnswers(stray, opened.filter.allowanceFor)!;
    assert.deepEqual(listOf(hidden, 'resources', 'uri'), []);
    assert.deepEqual(listOf(hidden, 'tools', 'name'), []);
    opened.release();
    assert.equal(streams.find('/x/messages?sessionId=1'), undefined);
  });
});

describe('listAllowanceHeaders (auth-server)', () => {
  const policy = compilePolicy(
    parseScopes(`
group_mappings:
  g: [s]
s:
  - server: docs
    methods: [all]
    tools: [t]
    prompts: [p]
    resources: ['test://docs/*']
`),
  );
  const scopes = resolveScopes(policy, ['g'], []);
  const headersFor = (...methods: string[]) => listAllowanceHeaders(policy, scopes, 'docs', methods.map((method) => ({ method })));

  test('one header per kind of list asked for, none otherwise', () => {
    assert.deepEqual(Object.keys(headersFor('tools/call')), []);
    assert.deepEqual(listAllowanceHeaders(policy, scopes, 'docs', null), {});
    assert.deepEqual(Object.keys(headersFor('tools/list')), [ALLOWED_TOOLS_HEADER]);
    assert.deepEqual(Object.keys(headersFor('prompts/list')), [ALLOWED_PROMPTS_HEADER]);
    assert.deepEqual(Object.keys(headersFor('resources/templates/list')), [ALLOWED_RESOURCES_HEADER]);
    assert.deepEqual(Object.keys(headersFor('resources/list', 'prompts/list', 'tools/list')).sort(), [ALLOWED_PROMPTS_HEADER, ALLOWED_RESOURCES_HEADER, ALLOWED_TOOLS_HEADER].sort());
  });

  test('the values decode to what the entry lists', () => {
    const headers = headersFor('prompts/list', 'resources/list');
    const prompts = decodeAllowedNames(headers[ALLOWED_PROMPTS_HEADER]);
    const resources = decodeAllowedNames(headers[ALLOWED_RESOURCES_HEADER]);
    assert.ok(allowsName(prompts, 'p') && !allowsName(prompts, 'q'));
    assert.ok(allowsName(resources, 'test://docs/a') && !allowsName(resources, 'test://x'));
    assert.equal(listAllowanceHeaders(policy, scopes, 'other', [{ method: 'prompts/list' }])[ALLOWED_PROMPTS_HEADER], '*');
  });
});
