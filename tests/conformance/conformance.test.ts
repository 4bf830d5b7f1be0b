import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServerEverything, type ServerEverything } from '../support/server-everything.js';
import { startStack, type Stack } from '../support/stack.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startBearerShim, type BearerShim } from './support/bearer-shim.js';
import { REFERENCE_TOOL_NAMES } from './support/reference-handlers.js';
import { startReferenceServer, type ReferenceServer } from './support/reference-process.js';
import { findNode22, runConformance } from './support/run-conformance.js';

/**
 * The official MCP conformance suite, every server scenario, run twice against the same server:
 * directly, and through the gateway (behind a shim that adds the caller's bearer token). The gateway
 * must change no result. The caller's scope lists every tool, prompt and resource explicitly, so
 * that list answers are rewritten by the filter on their way through.
 */
const SCOPES = `
group_mappings:
  mcp-registry-admin: [registry-admin]
  conformance: [conformance/all]
UI-Scopes:
  registry-admin:
    list_service: [all]
    register_service: [all]
conformance/all:
  - server: conformance
    methods: [all]
    tools: [${REFERENCE_TOOL_NAMES.join(', ')}]
    prompts: [test_simple_prompt, test_prompt_with_arguments, test_prompt_with_embedded_resource, test_prompt_with_image]
    resources: ['test://*']
  - server: everything
    methods: [all]
    tools: [all]
`;

const node22 = findNode22();
const skip =
  'problem' in node22 && process.env.CI !== 'true' ? `Node.js 22 for the conformance CLI is not available (${node22.problem}); under CI=true this fails` : false;

describe('the MCP conformance suite gives the same results through the gateway as directly', { skip }, () => {
  let stack: Stack;
  let reference: ReferenceServer;
  let everything: ServerEverything;
  let shim: BearerShim;
  const temp = makeTempDir('mcpgw-conformance-');
  let node = '';

  before(async () => {
    if ('problem' in node22) assert.fail(`Node.js 22 for the conformance CLI could not be installed: ${node22.problem}`);
    node = node22.node;
    [reference, everything] = await Promise.all([startReferenceServer(), startServerEverything('streamableHttp')]);
    stack = await startStack({ scopes: SCOPES });
    for (const [path, url] of [['/conformance', reference.url], ['/everything', everything.url]] as const) {
      const response = await stack.register({ server_name: path.slice(1), path, proxy_pass_url: `${url}/`, supported_transports: ['streamable-http'] });
      assert.equal(response.status, 201);
      await stack.waitForRoute(path);
    }
    shim = await startBearerShim(stack.gateway.url, await stack.mint.token('conformance-suite', ['conformance']));
  });
  after(async () => {
    await shim?.close();
    await stack?.close();
    await Promise.all([reference?.close(), everything?.close()]);
    temp.remove();
  });

  test('the reference server (the suite\'s everything server): every scenario passes, directly and through the gateway', async () => {
    const direct = await runConformance(node, `${reference.url}/mcp`, `${temp.dir}/reference-direct`);
    const viaGateway = await runConformance(node, `${shim.url}/conformance/mcp`, `${temp.dir}/reference-gateway`);
    assert.ok(Object.keys(direct.results).length >= 30, `the suite ran ${Object.keys(direct.results).length} scenarios`);
    assert.deepEqual(direct.failures, {}, 'the reference server passes every scenario when called directly');
    assert.deepEqual(viaGateway.results, direct.results, `through the gateway: ${JSON.stringify(viaGateway.failures)}`);
  });

  test('@modelcontextprotocol/server-everything: the same result for every scenario, directly and through the gateway', async () => {
    const direct = await runConformance(node, `${everything.url}/mcp`, `${temp.dir}/everything-direct`);
    const viaGateway = await runConformance(node, `${shim.url}/everything/mcp`, `${temp.dir}/everything-gateway`);
    assert.ok(Object.keys(direct.results).length >= 30, `the suite ran ${Object.keys(direct.results).length} scenarios`);
    assert.deepEqual(viaGateway.results, direct.results, `directly: ${JSON.stringify(direct.failures)}; through the gateway: ${JSON.stringify(viaGateway.failures)}`);
  });
});
