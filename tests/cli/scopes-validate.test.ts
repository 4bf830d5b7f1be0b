import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../support/temp-dir.js';
import { runMcpgw } from './support/run-mcpgw.js';

const BAD_SCOPES = `
group_mappings:
  admins: [mcp-registry-admin]
UI-Scopes:
  mcp-registry-admin:
    list_service: [all]
    fly_to_the_moon: [all]
mcp-servers/read:
  - server: currenttime
    methods: tools/list
  - server: notes
    tools: [list_notes]
    colour: blue
`;

describe('mcpgw scopes validate', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir('mcpgw-cli-scopes-');
  });
  after(() => temp.remove());

  test('accepts the shipped config/scopes.yml', async () => {
    const run = await runMcpgw(['scopes', 'validate', 'config/scopes.yml']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'config/scopes.yml is valid\n');
  });

  test('exits 1 on a bad file and lists every problem with its path', async () => {
    const file = path.join(temp.dir, 'bad.yml');
    writeFileSync(file, BAD_SCOPES);
    const run = await runMcpgw(['scopes', 'validate', file]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /\[CLI_SCOPES_INVALID\]/);
    for (const problemPath of ['UI-Scopes.mcp-registry-admin:', 'mcp-servers/read[0].methods:', 'mcp-servers/read[1]:']) {
      assert.ok(run.stderr.includes(`  ${problemPath}`), `expected a problem at ${problemPath} in:\n${run.stderr}`);
    }
  });

  test('reports scope names that point nowhere, with their path', async () => {
    const file = path.join(temp.dir, 'dangling.yml');
    writeFileSync(file, 'group_mappings:\n  admins: [no-such-scope]\n');
    const run = await runMcpgw(['scopes', 'validate', file]);
    assert.equal(run.status, 1);
    assert.ok(run.stderr.includes('  group_mappings.admins[0]:'), run.stderr);
  });

  test('exits 1 on a file that is not YAML', async () => {
    const file = path.join(temp.dir, 'broken.yml');
    writeFileSync(file, 'group_mappings: [unclosed\n');
    const run = await runMcpgw(['scopes', 'validate', file]);
    assert.equal(run.status, 1);
  });

  test('exits 66 when the file cannot be read', async () => {
    const run = await runMcpgw(['scopes', 'validate', path.join(temp.dir, 'missing.yml')]);
    assert.equal(run.status, 66);
    assert.match(run.stderr, /\[CLI_FILE_UNREADABLE\]/);
  });

  test('exits 64 without a file or with an unknown subcommand', async () => {
    assert.equal((await runMcpgw(['scopes', 'validate'])).status, 64);
    assert.equal((await runMcpgw(['scopes', 'check', 'config/scopes.yml'])).status, 64);
  });
});
