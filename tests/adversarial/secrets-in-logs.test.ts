import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { startStack, type Stack } from '../support/stack.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';

describe('no token or cookie ever appears in the logs, even at trace level', () => {
  let stack: Stack;
  let logs = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));

  before(async () => {
    stack = await startStack({ logStream: stream });
  });
  after(async () => {
    await stack.close();
  });

  test('allowed, refused, forged and malformed requests with tokens and cookies leave no secret behind', async () => {
    const userToken = await stack.mint.token('bob', ['mcp-registry-user']);
    const forged = await stack.mint.forged('eve', ['mcp-registry-admin']);
    const cookie = 'session=super-secret-cookie-value-1234567890';

    const client = await connectClient(`${stack.gateway.url}/notes/mcp`, userToken, { cookie });
    await client.listTools();
    assert.equal(await httpStatusOfFailure(client.callTool({ name: 'add_note', arguments: { title: 't', body: 'b' } })), 403);
    await client.close();
    assert.equal(await httpStatusOfFailure(connectClient(`${stack.gateway.url}/notes/mcp`, forged)), 401);
    await fetch(`${stack.gateway.url}/notes/mcp`, { method: 'POST', headers: { authorization: `Bearer ${userToken}`, cookie, 'content-type': 'application/json' }, body: '{broken' });
    await fetch(`${stack.registry.url}/api/servers`, { headers: { authorization: `Bearer ${forged}`, cookie } });
    await fetch(`${stack.registry.url}/api/servers`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    await new Promise((resolve) => setImmediate(resolve));

    assert.match(logs, /auth\.decision/, 'the auth-server logged its decisions');
    for (const secret of [userToken, forged, stack.adminToken, 'super-secret-cookie-value-1234567890']) {
      assert.equal(logs.includes(secret), false, 'a secret was written to the logs');
      const signature = secret.split('.')[2];
      if (signature) assert.equal(logs.includes(signature), false, "a token's signature was written to the logs");
    }
  });
});
