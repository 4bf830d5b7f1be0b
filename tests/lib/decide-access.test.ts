import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScopes } from '@mcpgw/lib/scopes/parse-scopes.js';
import { compilePolicy, resolveScopes, allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import { allowedTools, decideAccess } from '@mcpgw/lib/scopes/decide-access.js';
import type { JsonRpcMessageView, McpRequestView } from '@mcpgw/lib/jsonrpc/message-view.js';

const policy = compilePolicy(
  parseScopes(`
group_mappings:
  readers: [weather/read]
  callers: [weather/call-one]
  wild: [everything]
  starred-tools: [star-tools]
  prefixed: [resources-only]
  slashed: [slashed-server]
  ui-admins: [registry-admin]
  ui-lob: [registry-lob]
UI-Scopes:
  registry-admin:
    list_service: [all]
    register_service: [all]
  registry-lob:
    list_service: [/weather, team/tools/]
weather/read:
  - server: weather
    methods: [tools/list, prompts/list]
weather/call-one:
  - server: weather
    methods: [tools/list]
    tools: [get_forecast]
everything:
  - server: '*'
    methods: [all]
    tools: ['*']
star-tools:
  - server: weather
    tools: ['*']
resources-only:
  - server: weather
    methods: ['resources/*']
slashed-server:
  - server: /team/tools/
    methods: ['*']
    tools: [all]
token-only:
  - server: weather
    methods: [tools/list]
    tools: [get_alerts]
`),
);

const post = (...messages: JsonRpcMessageView[]): McpRequestView => ({ httpMethod: 'POST', messages, batch: messages.length > 1 });
const call = (tool: string): JsonRpcMessageView => ({ method: 'tools/call', tool });
const method = (name: string): JsonRpcMessageView => ({ method: name });
const scopesOf = (...groups: string[]) => resolveScopes(policy, groups, []);

interface Row {
  name: string;
  groups: string[];
  server: string;
  request: McpRequestView;
  allowed: boolean;
  code?: string;
}

const rows: Row[] = [
  // server matching
  { name: 'exact server', groups: ['readers'], server: '/weather', request: post(method('tools/list')), allowed: true },
  { name: 'server without slash in file, trailing slash in request', groups: ['readers'], server: 'weather/', request: post(method('tools/list')), allowed: true },
  { name: 'slashes in file entry are canonicalised', groups: ['slashed'], server: '/team/tools', request: post(method('tools/list')), allowed: true },
  { name: 'other server has no entry', groups: ['readers'], server: '/notes', request: post(method('tools/list')), allowed: false, code: 'AUTHZ_NO_SERVER_ACCESS' },
  { name: 'prefix of a server name does not match', groups: ['readers'], server: '/weather2', request: post(method('tools/list')), allowed: false, code: 'AUTHZ_NO_SERVER_ACCESS' },
  { name: '* matches every server', groups: ['wild'], server: '/anything/at/all', request: post(call('rm_rf')), allowed: true },
  { name: 'no groups, no access', groups: [], server: '/weather', request: post(method('initialize')), allowed: false, code: 'AUTHZ_NO_SERVER_ACCESS' },
  // session lifecycle
  ...['initialize', 'notifications/initialized', 'notifications/cancelled', 'ping'].map((name) => ({
    name: `lifecycle ${name} with any entry`, groups: ['readers'], server: '/weather', request: post(method(name)), allowed: true,
  })),
  { name: 'client response to a server request', groups: ['readers'], server: '/weather', request: post({}), allowed: true },
  { name: 'GET opens the SSE stream', groups: ['readers'], server: '/weather', request: { httpMethod: 'GET', messages: null, batch: false }, allowed: true },
  { name: 'DELETE ends the session', groups: ['readers'], server: '/weather', request: { httpMethod: 'DELETE', messages: null, batch: false }, allowed: true },
  { name: 'GET without any entry', groups: [], server: '/weather', request: { httpMethod: 'GET', messages: null, batch: false }, allowed: false, code: 'AUTHZ_NO_SERVER_ACCESS' },
  { name: 'PUT without a JSON-RPC body', groups: ['wild'], server: '/weather', request: { httpMethod: 'PUT', messages: null, batch: false }, allowed: false, code: 'AUTHZ_HTTP_METHOD_DENIED' },
  { name: 'POST without a JSON-RPC body', groups: ['wild'], server: '/weather', request: { httpMethod: 'POST', messages: null, batch: false }, allowed: false, code: 'AUTHZ_HTTP_METHOD_DENIED' },
  // methods
  { name: 'listed method', groups: ['readers'], server: '/weather', request: post(method('prompts/list')), allowed: true },
  { name: 'unlisted method', groups: ['readers'], server: '/weather', request: post(method('resources/read')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  { name: 'methods: all', groups: ['wild'], server: '/weather', request: post(method('completion/complete')), allowed: true },
  { name: "methods: '*'", groups: ['slashed'], server: '/team/tools', request: post(method('logging/setLevel')), allowed: true },
  { name: 'prefix pattern resources/*', groups: ['prefixed'], server: '/weather', request: post(method('resources/templates/list')), allowed: true },
  { name: 'prefix pattern does not match a lookalike', groups: ['prefixed'], server: '/weather', request: post(method('resourcesX/list')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  { name: 'notification not in lifecycle needs listing', groups: ['readers'], server: '/weather', request: post(method('notifications/roots/list_changed')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  // tools
  { name: 'listed tool', groups: ['callers'], server: '/weather', request: post(call('get_forecast')), allowed: true },
  { name: 'unlisted tool', groups: ['callers'], server: '/weather', request: post(call('get_alerts')), allowed: false, code: 'AUTHZ_TOOL_DENIED' },
  { name: 'tool names are case-sensitive', groups: ['callers'], server: '/weather', request: post(call('GET_FORECAST')), allowed: false, code: 'AUTHZ_TOOL_DENIED' },
  { name: 'listing the tool is enough without tools/call in methods', groups: ['callers'], server: '/weather', request: post(call('get_forecast')), allowed: true },
  { name: 'methods: all does not grant tools', groups: ['readers'], server: '/weather', request: post(call('get_forecast')), allowed: false, code: 'AUTHZ_TOOL_DENIED' },
  { name: "tools: ['*'] grants every tool", groups: ['starred-tools'], server: '/weather', request: post(call('anything')), allowed: true },
  { name: "tools: ['*'] grants no other method", groups: ['starred-tools'], server: '/weather', request: post(method('tools/list')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  { name: 'tools: all', groups: ['slashed'], server: '/team/tools', request: post(call('x')), allowed: true },
  { name: 'union of groups', groups: ['readers', 'callers'], server: '/weather', request: post(method('prompts/list'), call('get_forecast')), allowed: true },
  // batches
  { name: 'batch with every message allowed', groups: ['callers'], server: '/weather', request: post(method('initialize'), method('tools/list'), call('get_forecast')), allowed: true },
  { name: 'batch with one denied tool', groups: ['callers'], server: '/weather', request: post(method('tools/list'), call('get_alerts')), allowed: false, code: 'AUTHZ_TOOL_DENIED' },
  { name: 'batch with one denied method', groups: ['callers'], server: '/weather', request: post(call('get_forecast'), method('resources/list')), allowed: false, code: 'AUTHZ_METHOD_DENIED' },
  { name: 'batch with a response and a denied call', groups: ['callers'], server: '/weather', request: post({}, call('nope')), allowed: false, code: 'AUTHZ_TOOL_DENIED' },
];

describe('decideAccess: the rules of DESIGN 3.3', () => {
  for (const row of rows) {
    test(row.name, () => {
      const decision = decideAccess(policy, scopesOf(...row.groups), row.server, row.request);
      assert.equal(decision.allowed, row.allowed);
      if (!decision.allowed) assert.equal(decision.code, row.code);
    });
  }
});

describe('resolveScopes', () => {
  test('token scope names the file defines are added; unknown ones grant nothing', () => {
    const scopes = resolveScopes(policy, ['readers'], ['token-only', 'made-up/admin']);
    assert.deepEqual(scopes.sort(), ['token-only', 'weather/read']);
    assert.equal(decideAccess(policy, scopes, '/weather', post(call('get_alerts'))).allowed, true);
  });
  test('unknown groups map to nothing', () => {
    assert.deepEqual(resolveScopes(policy, ['nobody'], []), []);
  });
});

describe('allowedTools', () => {
  test('names the union of listed tools', () => {
    assert.deepEqual(allowedTools(policy, resolveScopes(policy, ['callers'], ['token-only']), '/weather'), new Set(['get_forecast', 'get_alerts']));
  });
  test('is * when any entry lists all tools', () => {
    assert.equal(allowedTools(policy, scopesOf('callers', 'starred-tools'), '/weather'), '*');
  });
  test('is empty without a matching entry', () => {
    assert.deepEqual(allowedTools(policy, scopesOf('callers'), '/notes'), new Set());
  });
});

describe('allowsUiAction', () => {
  test('all grants every path', () => {
    assert.equal(allowsUiAction(policy, scopesOf('ui-admins'), 'register_service', '/new'), true);
  });
  test('paths in the file are canonicalised', () => {
    assert.equal(allowsUiAction(policy, scopesOf('ui-lob'), 'list_service', 'team/tools'), true);
    assert.equal(allowsUiAction(policy, scopesOf('ui-lob'), 'list_service', '/weather/'), true);
    assert.equal(allowsUiAction(policy, scopesOf('ui-lob'), 'list_service', '/notes'), false);
  });
  test('an action not granted is refused', () => {
    assert.equal(allowsUiAction(policy, scopesOf('ui-lob'), 'delete_service', '/weather'), false);
    assert.equal(allowsUiAction(policy, scopesOf('readers'), 'list_service'), false);
  });
});
