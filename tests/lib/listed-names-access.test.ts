import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScopes, ScopesInvalidError } from '@mcpgw/lib/scopes/parse-scopes.js';
import { compilePolicy, resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import { allowedNames, decideAccess, type ListedKind } from '@mcpgw/lib/scopes/decide-access.js';
import { allowsName } from '@mcpgw/lib/scopes/name-allowance.js';
import type { JsonRpcMessageView, McpRequestView } from '@mcpgw/lib/jsonrpc/message-view.js';

const policy = compilePolicy(
  parseScopes(`
group_mappings:
  plain: [docs/plain]
  prompt-one: [docs/prompt-one]
  docs-only: [docs/docs-only]
  list-no-get: [docs/list-no-get]
  wild-lists: [docs/wild-lists]
  empty-lists: [docs/empty-lists]
  other-server: [other/listed]
docs/plain:
  - server: docs
    methods: [prompts/list, prompts/get, resources/*]
docs/prompt-one:
  - server: docs
    methods: [prompts/list, prompts/get]
    prompts: [summarise]
docs/docs-only:
  - server: /docs/
    methods: [resources/list, resources/read, resources/templates/list, resources/subscribe]
    resources: ['test://docs/*', 'test://index']
docs/list-no-get:
  - server: docs
    methods: [prompts/list, resources/list]
    prompts: [summarise]
    resources: ['test://*']
docs/wild-lists:
  - server: '*'
    methods: [all]
    prompts: [all]
    resources: ['*']
docs/empty-lists:
  - server: docs
    methods: [all]
    prompts: []
    resources: []
other/listed:
  - server: other
    methods: [all]
    prompts: [x]
`),
);

const post = (...messages: JsonRpcMessageView[]): McpRequestView => ({ httpMethod: 'POST', messages, batch: messages.length > 1 });
const getPrompt = (prompt?: string): JsonRpcMessageView => (prompt === undefined ? { method: 'prompts/get' } : { method: 'prompts/get', prompt });
const read = (uri: string, method = 'resources/read'): JsonRpcMessageView => ({ method, uri });
const scopesOf = (...groups: string[]) => resolveScopes(policy, groups, []);

interface Row {
  name: string;
  groups: string[];
  request: McpRequestView;
  allowed: boolean;
  code?: string;
}

const rows: Row[] = [
  // no entry lists prompts or resources: method-level only, as before the extension
  { name: 'unlisted: any prompt', groups: ['plain'], request: post(getPrompt('anything')), allowed: true },
  { name: 'unlisted: a prompts/get without a name', groups: ['plain'], request: post(getPrompt()), allowed: true },
  { name: 'unlisted: any resource', groups: ['plain'], request: post(read('file:///etc/passwd')), allowed: true },
  { name: 'unlisted: the method must still be granted', groups: ['docs-only'], request: post(getPrompt('x')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  // listed prompts
  { name: 'listed prompt', groups: ['prompt-one'], request: post(getPrompt('summarise')), allowed: true },
  { name: 'unlisted prompt', groups: ['prompt-one'], request: post(getPrompt('delete_all')), allowed: false, code: 'AUTHZ_PROMPT_DENIED' },
  { name: 'prompt names are case-sensitive', groups: ['prompt-one'], request: post(getPrompt('Summarise')), allowed: false, code: 'AUTHZ_PROMPT_DENIED' },
  { name: 'a prompts/get without a name is refused where prompts are listed', groups: ['prompt-one'], request: post(getPrompt()), allowed: false, code: 'AUTHZ_PROMPT_DENIED' },
  { name: 'a list narrows only its own kind', groups: ['prompt-one'], request: post({ method: 'prompts/list' }), allowed: true },
  // listed resources
  { name: 'resource under a listed prefix', groups: ['docs-only'], request: post(read('test://docs/a.md')), allowed: true },
  { name: 'exact resource', groups: ['docs-only'], request: post(read('test://index')), allowed: true },
  { name: 'exact item is no prefix', groups: ['docs-only'], request: post(read('test://index/2')), allowed: false, code: 'AUTHZ_RESOURCE_DENIED' },
  { name: 'resource outside the list', groups: ['docs-only'], request: post(read('test://secrets/k')), allowed: false, code: 'AUTHZ_RESOURCE_DENIED' },
  { name: 'subscribe is checked like read', groups: ['docs-only'], request: post(read('test://secrets/k', 'resources/subscribe')), allowed: false, code: 'AUTHZ_RESOURCE_DENIED' },
  { name: 'subscribe to a listed resource', groups: ['docs-only'], request: post(read('test://docs/a', 'resources/subscribe')), allowed: true },
  // a list grants no method
  { name: 'listing a prompt grants no prompts/get', groups: ['list-no-get'], request: post(getPrompt('summarise')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  { name: 'listing a resource grants no resources/read', groups: ['list-no-get'], request: post(read('test://a')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  // wildcards and empty lists
  { name: '`all` prompts', groups: ['wild-lists'], request: post(getPrompt('whatever')), allowed: true },
  { name: '`*` resources', groups: ['wild-lists'], request: post(read('any://thing')), allowed: true },
  { name: 'an empty prompts list allows no prompt', groups: ['empty-lists'], request: post(getPrompt('x')), allowed: false, code: 'AUTHZ_PROMPT_DENIED' },
  { name: 'an empty resources list allows no resource', groups: ['empty-lists'], request: post(read('test://x')), allowed: false, code: 'AUTHZ_RESOURCE_DENIED' },
  // union of entries: an entry without a list grants every name its methods allow
  { name: 'an unlisted entry widens a listed one', groups: ['prompt-one', 'plain'], request: post(getPrompt('delete_all')), allowed: true },
  { name: 'an entry for another server does not narrow', groups: ['plain', 'other-server'], request: post(getPrompt('y')), allowed: true },
  { name: 'two lists add up', groups: ['prompt-one', 'wild-lists'], request: post(getPrompt('y')), allowed: true },
  // completions about a prompt or a resource are checked like prompts/get and resources/read
  { name: 'completion of a listed prompt', groups: ['wild-lists', 'prompt-one'], request: post({ method: 'completion/complete', prompt: 'x' }), allowed: true },
  { name: 'completion of an unlisted prompt', groups: ['empty-lists'], request: post({ method: 'completion/complete', prompt: 'x' }), allowed: false, code: 'AUTHZ_PROMPT_DENIED' },
  { name: 'completion of an unlisted resource template', groups: ['empty-lists'], request: post({ method: 'completion/complete', uri: 'test://t/{id}' }), allowed: false, code: 'AUTHZ_RESOURCE_DENIED' },
  { name: 'completion naming nothing is method-level only', groups: ['empty-lists'], request: post({ method: 'completion/complete' }), allowed: true },
  { name: 'an unlisted entry widens only the methods it grants', groups: ['plain', 'empty-lists'], request: post({ method: 'completion/complete', prompt: 'x' }), allowed: false, code: 'AUTHZ_PROMPT_DENIED' },
  { name: 'completion/complete must itself be granted', groups: ['prompt-one'], request: post({ method: 'completion/complete', prompt: 'summarise' }), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  // batches
  { name: 'a batch with one unlisted resource is refused', groups: ['docs-only'], request: post(read('test://docs/a'), read('test://secret')), allowed: false, code: 'AUTHZ_RESOURCE_DENIED' },
  { name: 'a batch of listed names is allowed', groups: ['docs-only', 'prompt-one'], request: post(read('test://docs/a'), getPrompt('summarise')), allowed: true },
];

describe('decideAccess with listed prompts and resources', () => {
  for (const row of rows) {
    test(row.name, () => {
      const decision = decideAccess(policy, scopesOf(...row.groups), '/docs', row.request);
      assert.equal(decision.allowed, row.allowed);
      if (!decision.allowed) assert.equal(decision.code, row.code);
    });
  }

  test('a refusal names what was refused', () => {
    const prompt = decideAccess(policy, scopesOf('prompt-one'), '/docs', post(getPrompt('delete_all')));
    assert.ok(!prompt.allowed && prompt.prompt === 'delete_all' && prompt.method === 'prompts/get');
    const resource = decideAccess(policy, scopesOf('docs-only'), '/docs', post(read('test://secret')));
    assert.ok(!resource.allowed && resource.uri === 'test://secret');
  });
});

describe('allowedNames', () => {
  interface NamesRow {
    name: string;
    groups: string[];
    kind: ListedKind;
    all?: boolean;
    shown?: string[];
    hidden?: string[];
  }
  const namesRows: NamesRow[] = [
    { name: 'no entry lists prompts: not filtered', groups: ['plain'], kind: 'prompts', all: true },
    { name: 'no entry lists resources: not filtered even without resources/read', groups: ['prompt-one'], kind: 'resources', all: true },
    { name: 'listed prompts', groups: ['prompt-one'], kind: 'prompts', shown: ['summarise'], hidden: ['delete_all', ''] },
    { name: 'listed resources with prefixes', groups: ['docs-only'], kind: 'resources', shown: ['test://docs/x', 'test://index', 'test://docs/{id}'], hidden: ['test://other'] },
    { name: 'listed but not fetchable: nothing shown', groups: ['list-no-get'], kind: 'prompts', shown: [], hidden: ['summarise'] },
    { name: 'an unlisted entry that may fetch widens to everything', groups: ['prompt-one', 'plain'], kind: 'prompts', all: true },
    { name: 'wildcard list', groups: ['wild-lists'], kind: 'resources', all: true },
    { name: 'empty list', groups: ['empty-lists'], kind: 'prompts', shown: [], hidden: ['x'] },
    { name: 'lists of several entries add up', groups: ['prompt-one', 'list-no-get'], kind: 'prompts', shown: ['summarise'], hidden: ['y'] },
  ];
  for (const row of namesRows) {
    test(row.name, () => {
      const allowance = allowedNames(policy, scopesOf(...row.groups), 'docs', row.kind);
      if (row.all) {
        assert.equal(allowance, '*');
        return;
      }
      assert.notEqual(allowance, '*');
      for (const name of row.shown ?? []) assert.equal(allowsName(allowance, name), true, name);
      for (const name of row.hidden ?? []) assert.equal(allowsName(allowance, name), false, name);
    });
  }

  test('a caller with no entry for the server sees everything the (refused) method would list', () => {
    assert.equal(allowedNames(policy, scopesOf('other-server'), 'docs', 'prompts'), '*');
  });
});

describe('scopes.yml: prompts and resources keys', () => {
  const problemsOf = (text: string) => {
    try {
      parseScopes(text);
    } catch (error) {
      assert.ok(error instanceof ScopesInvalidError);
      return error.problems.map((problem) => problem.path);
    }
    return [];
  };
  const rows: Array<[string, string, string[]]> = [
    ['lists of names are valid', 's:\n  - server: a\n    prompts: [p]\n    resources: ["test://*", "file:///x"]\n', []],
    ['a string instead of a list is refused', 's:\n  - server: a\n    prompts: p\n', ['s[0].prompts']],
    ['an empty name is refused', 's:\n  - server: a\n    resources: ["  "]\n', ['s[0].resources[0]']],
    ['a number is refused', 's:\n  - server: a\n    prompts: [1]\n', ['s[0].prompts[0]']],
    ['unknown keys are still refused', 's:\n  - server: a\n    prompt: [p]\n', ['s[0]']],
  ];
  for (const [name, text, paths] of rows) test(name, () => assert.deepEqual(problemsOf(text), paths));
});
