import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { connectClient, httpStatusOfFailure } from '../support/mcp-client.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { startStack, type Stack } from '../support/stack.js';
import { ENTRA_GROUP_ID, IDENTITY_SCOPES } from './support/identity-scopes.js';
import { providersFromYaml } from './support/providers.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('identity provider tokens (Keycloak, Cognito and Entra ID shapes from a real OpenID provider)', () => {
  let keycloak: OidcIssuer;
  let cognito: OidcIssuer;
  let entra: OidcIssuer;
  let stranger: OidcIssuer;
  let stack: Stack;

  before(async () => {
    keycloak = await startOidcIssuer({
      issuerPath: '/realms/mcp',
      clients: [
        {
          clientId: 'mcp-gateway',
          clientSecret: 'kc-secret',
          claims: { azp: 'mcp-gateway', preferred_username: 'kc-robot', groups: ['kc-notes'], realm_access: { roles: ['realm-ops', 'offline_access'] } },
        },
        { clientId: 'other-app', clientSecret: 'other-secret', audience: 'account', claims: { azp: 'other-app', realm_access: { roles: ['realm-ops'] } } },
      ],
    });
    cognito = await startOidcIssuer({
      issuerPath: '/us-east-1_TestPool',
      clients: [
        {
          clientId: 'cognito-app',
          clientSecret: 'cg-secret',
          shape: (claims) => Object.assign(claims, { token_use: 'access', 'cognito:groups': ['cognito-ops'], username: 'cg-robot' }),
        },
      ],
    });
    entra = await startOidcIssuer({
      issuerPath: `/${TENANT}/v2.0`,
      clients: [
        {
          clientId: 'daemon-app',
          clientSecret: 'en-secret',
          audience: 'api://gateway-api',
          claims: { tid: TENANT, azp: 'daemon-app', roles: ['Tools.Read'], groups: [ENTRA_GROUP_ID], ver: '2.0' },
        },
        {
          clientId: 'daemon-v1',
          clientSecret: 'en-secret-1',
          audience: 'api://gateway-api',
          claims: { tid: TENANT, appid: 'daemon-v1', groups: [ENTRA_GROUP_ID] },
          shape: (claims) => Object.assign(claims, { iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' }),
        },
      ],
    });
    stranger = await startOidcIssuer({
      issuerPath: '/realms/mcp',
      clients: [{ clientId: 'mcp-gateway', clientSecret: 's', claims: { azp: 'mcp-gateway', realm_access: { roles: ['realm-ops'] } } }],
    });
    const providers = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    issuer: ${keycloak.issuer}
    client_id: mcp-gateway
  cognito:
    enabled: true
    issuer: ${cognito.issuer}
    jwks_uri: ${cognito.jwksUri}
    client_id: cognito-app
  entra:
    enabled: true
    issuer: ${entra.issuer}
    client_id: gateway-api
`);
    stack = await startStack({ scopes: IDENTITY_SCOPES, providers });
  });

  after(async () => {
    await stack?.close();
    for (const issuer of [keycloak, cognito, entra, stranger]) await issuer?.close();
  });

  /** Asks the auth-server, as the gateway does, whether the token may call `tool` on currenttime. */
  async function check(token: string | undefined, request: { server?: string; tool?: string } = {}) {
    const server = request.server ?? '/currenttime';
    const headers: Record<string, string> = {
      'x-server-path': server,
      'x-original-url': `${stack.gateway.url}${server}/mcp`,
      'x-original-method': 'POST',
      'x-mcp-method': request.tool ? 'tools/call' : 'tools/list',
      ...(request.tool ? { 'x-mcp-tool': request.tool } : {}),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    };
    const response = await fetch(`${stack.auth.url}/validate`, { headers });
    const text = await response.text();
    const code = text ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined;
    return { status: response.status, code, headers: response.headers };
  }

  test('a Keycloak token: groups from groups and realm_access.roles, client from azp, mapped through scopes.yml', async () => {
    const token = await keycloak.clientCredentials('mcp-gateway');
    const allowed = await check(token, { tool: 'current_time_by_timezone' });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('x-auth-method'), 'keycloak');
    assert.equal(allowed.headers.get('x-client-id'), 'mcp-gateway');
    assert.equal(allowed.headers.get('x-username'), 'kc-robot');
    assert.deepEqual(allowed.headers.get('x-groups')?.split(',').sort(), ['kc-notes', 'offline_access', 'realm-ops']);
    assert.deepEqual(allowed.headers.get('x-scopes')?.split(' ').sort(), ['notes-reader', 'time-reader']);
    assert.equal((await check(token, { server: '/notes' })).status, 200);
    const denied = await check(token, { server: '/notes', tool: 'add_note' });
    assert.equal(denied.status, 403);
    assert.match(denied.headers.get('www-authenticate') ?? '', /^Bearer .*error="insufficient_scope"/);
  });

  test('a Keycloak token issued to another client is refused', async () => {
    const result = await check(await keycloak.clientCredentials('other-app'));
    assert.equal(result.status, 401);
    assert.equal(result.code, 'AUTH_TOKEN_WRONG_AUDIENCE');
  });

  test('a Cognito access token: cognito:groups, client_id instead of aud, token_use checked', async () => {
    const issued = await check(await cognito.clientCredentials('cognito-app'), { tool: 'current_time_by_timezone' });
    assert.equal(issued.status, 200);
    assert.equal(issued.headers.get('x-groups'), 'cognito-ops');
    assert.equal(issued.headers.get('x-username'), 'cg-robot');
    assert.equal(issued.headers.get('x-client-id'), 'cognito-app');

    const base = { sub: 'user-1', token_use: 'access', 'cognito:groups': ['cognito-ops'] };
    assert.equal((await check(await cognito.sign({ ...base, client_id: 'cognito-app' }))).status, 200, 'an access token carries no aud');
    assert.equal((await check(await cognito.sign({ ...base, client_id: 'intruder' }))).code, 'AUTH_TOKEN_WRONG_CLIENT');
    assert.equal((await check(await cognito.sign({ ...base, token_use: 'id', aud: 'cognito-app' }))).code, 'AUTH_TOKEN_WRONG_TYPE');
  });

  test('Entra ID v2 and v1 tokens: group object ids, app roles, tid checked', async () => {
    const v2 = await check(await entra.clientCredentials('daemon-app'), { tool: 'current_time_by_timezone' });
    assert.equal(v2.status, 200);
    assert.deepEqual(v2.headers.get('x-groups')?.split(',').sort(), [ENTRA_GROUP_ID, 'Tools.Read'].sort());
    assert.equal(v2.headers.get('x-client-id'), 'daemon-app');
    assert.equal((await check(await entra.clientCredentials('daemon-app'), { server: '/notes' })).status, 200, 'the app role maps to notes-reader');

    const v1 = await check(await entra.clientCredentials('daemon-v1'), { tool: 'current_time_by_timezone' });
    assert.equal(v1.status, 200);
    assert.equal(v1.headers.get('x-client-id'), 'daemon-v1');

    const otherTenant = await entra.sign({ sub: 's', aud: 'gateway-api', tid: '00000000-0000-0000-0000-000000000000', azp: 'x' });
    assert.equal((await check(otherTenant)).code, 'AUTH_TOKEN_WRONG_TENANT');
  });

  test('every forged, stale or misdirected token is refused with its own code and a challenge', async () => {
    const good = { sub: 'svc', azp: 'mcp-gateway', realm_access: { roles: ['realm-ops'] } };
    const valid = await keycloak.sign(good);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const tampered = `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), realm_access: { roles: ['mcp-registry-admin'] } })}.${signature}`;

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const unknownKey = await new SignJWT({ ...good, iss: keycloak.issuer, exp: now() + 600 })
      .setProtectedHeader({ alg: 'RS256', kid: 'not-published' })
      .sign(privateKey);

    const publicJwk: JWK = keycloak.publicJwk();
    const publicPem = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const hsHeader = b64({ alg: 'HS256', typ: 'JWT', kid: publicJwk.kid });
    const hsPayload = b64({ ...good, iss: keycloak.issuer, exp: now() + 600 });
    const hsConfused = `${hsHeader}.${hsPayload}.${createHmac('sha256', publicPem).update(`${hsHeader}.${hsPayload}`).digest('base64url')}`;
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...good, iss: keycloak.issuer, exp: now() + 600 })}.`;

    const cases: Array<[string, string | undefined, string]> = [
      ['missing', undefined, 'AUTH_TOKEN_MISSING'],
      ['expired', await keycloak.sign({ ...good, iat: now() - 4000, exp: now() - 3600 }), 'AUTH_TOKEN_EXPIRED'],
      ['not yet valid', await keycloak.sign({ ...good, nbf: now() + 3600 }), 'AUTH_TOKEN_NOT_YET_VALID'],
      ['wrong issuer (an unconfigured provider)', await stranger.clientCredentials('mcp-gateway'), 'AUTH_TOKEN_WRONG_ISSUER'],
      ['wrong audience', await keycloak.sign({ ...good, azp: 'someone-else', aud: 'another-api' }), 'AUTH_TOKEN_WRONG_AUDIENCE'],
      ['unknown kid', unknownKey, 'AUTH_TOKEN_UNKNOWN_KEY'],
      ['alg none', algNone, 'AUTH_TOKEN_MALFORMED'],
      ['HS256 signed with the public key', hsConfused, 'AUTH_TOKEN_MALFORMED'],
      ['tampered payload', tampered, 'AUTH_TOKEN_BAD_SIGNATURE'],
      ['another issuer claimed with this key', await keycloak.sign({ ...good, iss: cognito.issuer }), 'AUTH_TOKEN_UNKNOWN_KEY'],
      ['not a JWT', 'opaque-token-value', 'AUTH_TOKEN_MALFORMED'],
    ];
    for (const [name, token, code] of cases) {
      const result = await check(token);
      assert.equal(result.status, 401, name);
      assert.equal(result.code, code, name);
      const challenge = result.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="mcp-gateway"/, name);
      assert.match(challenge, new RegExp(`resource_metadata="${stack.gateway.url}/\\.well-known/oauth-protected-resource/currenttime/mcp"`), name);
      if (code === 'AUTH_TOKEN_MISSING') assert.doesNotMatch(challenge, /error=/, name);
      else assert.match(challenge, /error="invalid_token", error_description="[^"]+"/, name);
    }
    assert.equal((await check(valid, { tool: 'current_time_by_timezone' })).status, 200, 'the untampered token passes');
    assert.equal((await check(await keycloak.sign({ ...good, exp: now() - 30 }))).status, 200, 'expiry within the clock skew passes');
  });

  test('the registry API accepts the same provider tokens, with the same groups', async () => {
    const token = await keycloak.clientCredentials('mcp-gateway');
    const listed = await fetch(`${stack.registry.url}/api/servers`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(listed.status, 200);
    const body = (await listed.json()) as { servers: Array<{ path: string }> };
    assert.deepEqual(body.servers.map((server) => server.path), ['/currenttime']);
    const expired = await fetch(`${stack.registry.url}/api/servers`, {
      headers: { authorization: `Bearer ${await keycloak.sign({ sub: 's', azp: 'mcp-gateway', exp: now() - 3600 })}` },
    });
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error: { code: string } }).error.code, 'AUTH_TOKEN_EXPIRED');
  });

  test('an MCP client with a provider token calls the tools its groups allow, through the gateway', async () => {
    const client = await connectClient(`${stack.gateway.url}/currenttime/mcp`, await cognito.clientCredentials('cognito-app'));
    try {
      const tools = await client.listTools();
      assert.deepEqual(tools.tools.map((tool) => tool.name), ['current_time_by_timezone']);
      const result = await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'Europe/Paris' } });
      assert.notEqual(result.isError, true);
    } finally {
      await client.close();
    }
    assert.equal(await httpStatusOfFailure(connectClient(`${stack.gateway.url}/notes/mcp`, await cognito.clientCredentials('cognito-app'))), 403);
  });
});
