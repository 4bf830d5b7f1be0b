import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { startStack, type Stack } from '../support/stack.js';
import { IDENTITY_SCOPES } from './support/identity-scopes.js';
import { providersFromYaml } from './support/providers.js';

const AGENT = { clientId: 'mcp-agent', clientSecret: 'agent-secret', claims: { azp: 'mcp-agent', realm_access: { roles: ['realm-ops'] }, groups: ['kc-notes'] } };
const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const ACCEPT = 'application/json, text/event-stream';

describe('MCP authorization: protected resource metadata, challenges, resource-bound tokens', () => {
  let idp: OidcIssuer;
  let stack: Stack;
  let upstream: RecordingUpstream;
  let gw: string;

  before(async () => {
    idp = await startOidcIssuer({ issuerPath: '/realms/mcp', clients: [AGENT] });
    const providers = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    issuer: ${idp.issuer}
    resource_indicators: true
    scopes: [mcp:tools]
`);
    stack = await startStack({ scopes: IDENTITY_SCOPES, providers });
    gw = stack.gateway.url;
    upstream = await startRecordingUpstream();
    const registered = await stack.register({ server_name: 'recorded', path: '/recorded', proxy_pass_url: `${upstream.url}/`, supported_transports: ['streamable-http'] });
    assert.equal(registered.status, 201);
    await stack.waitForRoute('/recorded');
  });

  after(async () => {
    await stack?.close();
    await upstream?.close();
    await idp?.close();
  });

  test('the gateway serves RFC 9728 metadata at the root and for every server path, resource being the public URL exactly', async () => {
    const root = await fetch(`${gw}/.well-known/oauth-protected-resource`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(root.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await root.json(), {
      resource: gw,
      authorization_servers: [idp.issuer],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
    });
    for (const resource of ['/currenttime/mcp', '/notes', '/currenttime/sse']) {
      const response = await fetch(`${gw}/.well-known/oauth-protected-resource${resource}`);
      assert.equal(response.status, 200, resource);
      const document = (await response.json()) as { resource: string; authorization_servers: string[] };
      assert.equal(document.resource, `${gw}${resource}`);
      assert.deepEqual(document.authorization_servers, [idp.issuer]);
    }
    const head = await fetch(`${gw}/.well-known/oauth-protected-resource/notes/mcp`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await head.text()), '');
  });

  test('metadata of an unregistered path is 404, and it is read with GET only', async () => {
    const unknown = await fetch(`${gw}/.well-known/oauth-protected-resource/nowhere/mcp`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'GW_ROUTE_NOT_FOUND');
    const posted = await fetch(`${gw}/.well-known/oauth-protected-resource`, { method: 'POST', body: '{}' });
    assert.equal(posted.status, 405);
    assert.equal(((await posted.json()) as { error: { data: { code: string } } }).error.data.code, 'GW_METHOD_NOT_ALLOWED');
    assert.equal(posted.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  test('a 401 points at the metadata of the requested URL, which names the authorization server', async () => {
    const response = await fetch(`${gw}/currenttime/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: TOOLS_LIST });
    assert.equal(response.status, 401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    const metadataUrl = `${gw}/.well-known/oauth-protected-resource/currenttime/mcp`;
    assert.equal(challenge, `Bearer realm="mcp-gateway", scope="mcp:tools", resource_metadata="${metadataUrl}"`);
    const document = (await (await fetch(metadataUrl)).json()) as { resource: string; authorization_servers: string[] };
    assert.equal(document.resource, `${gw}/currenttime/mcp`);
    assert.deepEqual(document.authorization_servers, [idp.issuer]);

    const bad = await fetch(`${gw}/currenttime/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: 'Bearer junk' }, body: TOOLS_LIST });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('a valid caller without the permission gets 403 with error="insufficient_scope" through the gateway', async () => {
    const token = await idp.clientCredentials('mcp-agent', { resource: `${gw}/currenttime/mcp` });
    const response = await fetch(`${gw}/currenttime/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'not_granted', arguments: {} } }),
    });
    assert.equal(response.status, 403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer realm="mcp-gateway", error="insufficient_scope", error_description="[^"]+"/);
    assert.match(challenge, new RegExp(`resource_metadata="${gw}/\\.well-known/oauth-protected-resource/currenttime/mcp"`));
  });

  test('RFC 8707: a resource-bound token is accepted only for the gateway, its server path or the URLs under it', async () => {
    const forCurrenttime = await idp.clientCredentials('mcp-agent', { resource: `${gw}/currenttime/mcp` });
    const client = await connectClient(`${gw}/currenttime/mcp`, forCurrenttime);
    await client.listTools();
    await client.close();
    assert.equal(await httpStatusOfFailure(connectClient(`${gw}/notes/mcp`, forCurrenttime)), 401);

    const forGateway = await idp.clientCredentials('mcp-agent', { resource: gw });
    const notes = await connectClient(`${gw}/notes/mcp`, forGateway);
    await notes.close();

    for (const resource of ['http://elsewhere.example/currenttime/mcp', `${gw}/currenttimes/mcp`, undefined]) {
      const token = await idp.clientCredentials('mcp-agent', resource ? { resource } : {});
      assert.equal(await httpStatusOfFailure(connectClient(`${gw}/currenttime/mcp`, token)), 401, String(resource));
    }

    const registry = (token: string) => fetch(`${stack.registry.url}/api/servers`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await registry(forGateway)).status, 200, 'the registry accepts a token bound to the gateway');
    const refused = await registry(forCurrenttime);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'AUTH_TOKEN_WRONG_AUDIENCE');
  });

  test('a token in the query string is refused with 401 invalid_request and nothing reaches the upstream', async () => {
    const before = upstream.received.length;
    const withAndWithoutHeader: Array<Record<string, string>> = [{}, { authorization: `Bearer ${stack.adminToken}` }];
    for (const headers of withAndWithoutHeader) {
      const response = await fetch(`${gw}/recorded/mcp?access_token=${stack.adminToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
        body: TOOLS_LIST,
      });
      assert.equal(response.status, 401);
      const body = (await response.json()) as { error: { data: { reason: { error: { code: string } } } } };
      assert.equal(body.error.data.reason.error.code, 'AUTH_TOKEN_IN_QUERY');
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    }
    assert.equal(upstream.received.length, before);

    const api = await fetch(`${stack.registry.url}/api/servers?access_token=${stack.adminToken}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    assert.equal(api.status, 401);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'AUTH_TOKEN_IN_QUERY');
  });

  test('an MCP SDK client with OAuth support and no token discovers the authorization server, gets a token and succeeds', async () => {
    const provider = new ClientCredentialsProvider({ clientId: AGENT.clientId, clientSecret: AGENT.clientSecret, expectedIssuer: idp.issuer });
    const client = new Client({ name: 'oauth-agent', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gw}/currenttime/mcp`), { authProvider: provider });
    await client.connect(transport);
    try {
      const tools = await client.listTools();
      assert.deepEqual(tools.tools.map((tool) => tool.name), ['current_time_by_timezone']);
      const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Asia/Tokyo' } });
      assert.notEqual(result.isError, true);
    } finally {
      await client.close();
    }
    const token = provider.tokens()?.access_token ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iss: string; aud: string };
    assert.equal(claims.iss, idp.issuer);
    assert.equal(claims.aud, `${gw}/currenttime/mcp`, 'the token is bound to the resource the metadata named');
  });
});
