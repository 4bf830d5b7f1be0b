import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScopes, ScopesInvalidError } from '@mcpgw/lib/scopes/parse-scopes.js';

function problemsOf(text: string): Array<{ path: string; message: string }> {
  try {
    parseScopes(text);
  } catch (error) {
    assert.ok(error instanceof ScopesInvalidError);
    assert.equal(error.code, 'SCOPES_INVALID');
    return error.problems;
  }
  assert.fail('expected the file to be refused');
}

describe('parseScopes', () => {
  test('the shipped config/scopes.yml is valid', () => {
    const file = parseScopes(readFileSync('config/scopes.yml', 'utf8'));
    assert.ok(file.group_mappings['mcp-registry-admin']);
  });

  test('an empty file is a valid policy that grants nothing', () => {
    assert.deepEqual(parseScopes('').group_mappings, {});
  });

  test('YAML syntax errors are reported', () => {
    const [problem] = problemsOf('group_mappings: [unclosed');
    assert.match(problem!.message, /not valid YAML/);
  });

  test('every problem is reported at once, each with its path', () => {
    const problems = problemsOf(`
group_mappings:
  admins: [missing-scope]
  users: notalist
UI-Scopes:
  admins-ui:
    list_service: [all]
    launch_rockets: [all]
my-scope:
  - server: weather
    method: [tools/list]
  - methods: [ping]
`);
    const paths = problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['UI-Scopes.admins-ui', 'group_mappings.users', 'my-scope[0]', 'my-scope[1].server']);
  });

  test('a group mapped to an undefined scope is refused', () => {
    const problems = problemsOf(`
group_mappings:
  admins: [nowhere]
`);
    assert.deepEqual(problems.map((p) => p.path), ['group_mappings.admins[0]']);
  });

  test('a server scope must be a list of entries', () => {
    const problems = problemsOf('weather: { server: weather }\n');
    assert.deepEqual(problems.map((p) => p.path), ['weather']);
  });

  test('empty names are refused', () => {
    const problems = problemsOf(`
s:
  - server: ''
    tools: ['']
`);
    assert.deepEqual(problems.map((p) => p.path).sort(), ['s[0].server', 's[0].tools[0]']);
  });
});
