import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createIdentityVerifier } from '@mcpgw/lib/providers/create-identity-verifier.js';
import { ProvidersInvalidError } from '@mcpgw/lib/providers/providers-invalid-error.js';
import { makeLoginSettings } from '../../registry/src/login/login-settings.js';
import { Browser } from '../support/browser.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { startStack, type Stack } from '../support/stack.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_TOKEN_SETTINGS } from '../support/tokens.js';
import { ENTRA_GROUP_ID, IDENTITY_SCOPES } from './support/identity-scopes.js';
import { providersFromYaml } from './support/providers.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const OTHER_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const UNLISTED_TENANT = '11111111-2222-3333-4444-555555555555';

describe('registry login with Keycloak-, Cognito- and Entra-shaped providers (authorization code)', () => {
  const issuers: Record<'keycloak' | 'cognito' | 'entra', OidcIssuer | undefined> = { keycloak: undefined, cognito: undefined, entra: undefined };
  let stack: Stack;

  before(async () => {
    const web = (clientId: string) => ({ clientId, clientSecret: `${clientId}-secret` });
    issuers.keycloak = await startOidcIssuer({ issuerPath: '/realms/corp', clients: [web('kc-web')], accounts: { kira: { preferred_username: 'kira', realm_access: { roles: ['realm-ops'] }, groups: ['kc-notes'] } } });
    issuers.cognito = await startOidcIssuer({ issuerPath: '/eu-west-1_Pool42', clients: [web('cg-web')], accounts: { cole: { 'cognito:username': 'cole', 'cognito:groups': ['cognito-ops'] } } });
    issuers.entra = await startOidcIssuer({ issuerPath: `/${TENANT}/v2.0`, clients: [web('en-web')], accounts: { erin: { preferred_username: 'erin@corp.example', tid: TENANT, groups: [ENTRA_GROUP_ID], roles: ['Tools.Read'] } } });
    const providers = providersFromYaml(`
providers:
  keycloak:
    enabled: true
    issuer: ${issuers.keycloak.issuer}
    client_id: kc-web
    client_secret: kc-web-secret
  cognito:
    enabled: true
    issuer: ${issuers.cognito.issuer}
    client_id: cg-web
    client_secret: cg-web-secret
  entra:
    enabled: true
    issuer: ${issuers.entra.issuer}
    client_id: en-web
    client_secret: en-web-secret
`);
    stack = await startStack({ scopes: IDENTITY_SCOPES, providers, registry: { login: makeLoginSettings({ sessionSecret: randomBytes(32) }) } });
    const webClients = { keycloak: 'kc-web', cognito: 'cg-web', entra: 'en-web' } as const;
    for (const [name, clientId] of Object.entries(webClients)) issuers[name as keyof typeof webClients]?.addRedirectUri(clientId, `${stack.registry.url}/oauth2/callback/${name}`);
  });
  after(async () => {
    await stack?.close();
    for (const issuer of Object.values(issuers)) await issuer?.close();
  });

  const cases = [
    { provider: 'keycloak', account: 'kira', username: 'kira', groups: ['kc-notes', 'realm-ops'], scopes: ['notes-reader', 'time-reader'] },
    { provider: 'cognito', account: 'cole', username: 'cole', groups: ['cognito-ops'], scopes: ['time-reader'] },
    { provider: 'entra', account: 'erin', username: 'erin@corp.example', groups: [ENTRA_GROUP_ID, 'Tools.Read'], scopes: ['notes-reader', 'time-reader'] },
  ];
  for (const expected of cases) {
    test(`${expected.provider}: the groups its tokens carry become the session's, mapped by scopes.yml`, async () => {
      const browser = new Browser();
      const final = await browser.completeForms(`${stack.registry.url}/oauth2/login/${expected.provider}?next=/oauth2/session`, { login: expected.account, password: 'any' });
      assert.equal(final.response.status, 200, final.url);
      const session = (await final.response.json()) as { user: string; username: string; groups: string[]; scopes: string[]; provider: string };
      assert.deepEqual(
        [session.provider, session.user, session.username, [...session.groups].sort(), [...session.scopes].sort()],
        [expected.provider, expected.account, expected.username, [...expected.groups].sort(), expected.scopes],
      );
      const servers = await browser.fetch(`${stack.registry.url}/api/servers`);
      assert.equal(servers.status, 200);
    });
  }
});

describe('Entra ID multi-tenant issuer: {tenantid} with an allow-list of tenants', () => {
  let idp: OidcIssuer;
  const temp = makeTempDir();
  before(async () => {
    idp = await startOidcIssuer({ issuerPath: `/${TENANT}/v2.0`, clients: [] });
  });
  after(async () => {
    await idp?.close();
    temp.remove();
  });

  const origin = () => new URL(idp.issuer).origin;
  const verifier = async () => {
    const providers = providersFromYaml(`
providers:
  entra:
    enabled: true
    issuer: ${origin()}/{tenantid}/v2.0
    jwks_uri: ${idp.jwksUri}
    tenants: [${TENANT}, ${OTHER_TENANT}]
    audience: api://gateway-api
`);
    return createIdentityVerifier(temp.dir, TEST_TOKEN_SETTINGS, {
      providers,
      loginOnly: [],
      gatewayPublicUrl: 'http://127.0.0.1:8000',
      clockSkewSeconds: 60,
      jwks: { timeoutMs: 1500, cooldownMs: 0, cacheMaxAgeMs: 600_000 },
    });
  };
  const token = (tenant: string, claims: Record<string, unknown> = {}) =>
    idp.sign({ iss: `${origin()}/${tenant}/v2.0`, tid: tenant, aud: 'api://gateway-api', sub: `user-in-${tenant}`, groups: [ENTRA_GROUP_ID], ...claims });

  test('tokens of every allowed tenant are accepted, v2 and v1 issuers alike', async () => {
    const verify = await verifier();
    assert.equal((await verify.verify(await token(TENANT))).user, `user-in-${TENANT}`);
    assert.equal((await verify.verify(await token(OTHER_TENANT))).user, `user-in-${OTHER_TENANT}`);
    const v1 = await verify.verify(await token(OTHER_TENANT, { iss: `https://sts.windows.net/${OTHER_TENANT}/` }));
    assert.deepEqual(v1.groups, [ENTRA_GROUP_ID]);
  });

  test('a tenant outside the list, or a tid that is not the issuer\'s tenant, is refused', async () => {
    const verify = await verifier();
    await assert.rejects(verify.verify(await token(UNLISTED_TENANT)), { code: 'AUTH_TOKEN_WRONG_ISSUER' });
    await assert.rejects(verify.verify(await token(TENANT, { tid: OTHER_TENANT })), { code: 'AUTH_TOKEN_WRONG_TENANT' });
    await assert.rejects(verify.verify(await token(TENANT, { tid: undefined })), { code: 'AUTH_TOKEN_WRONG_TENANT' });
    await assert.rejects(verify.verify(await token(TENANT, { aud: 'api://someone-else' })), { code: 'AUTH_TOKEN_WRONG_AUDIENCE' });
  });

  test('a {tenantid} issuer needs type entra and tenants; tenants need such an issuer', () => {
    const problems = (yaml: string) => {
      try {
        providersFromYaml(yaml);
        return [];
      } catch (error) {
        assert.ok(error instanceof ProvidersInvalidError);
        return error.problems.map((problem) => problem.path);
      }
    };
    assert.deepEqual(problems(`
providers:
  entra:
    enabled: true
    issuer: https://login.microsoftonline.com/{tenantid}/v2.0
    client_id: app
`), ['providers.entra.tenants']);
    assert.deepEqual(problems(`
providers:
  corp:
    enabled: true
    type: oidc
    issuer: https://idp.example.com/{tenantid}
    tenants: [a]
    client_id: app
`), ['providers.corp.tenants']);
    assert.deepEqual(problems(`
providers:
  entra:
    enabled: true
    issuer: https://login.microsoftonline.com/${TENANT}/v2.0
    tenants: [${TENANT}]
    client_id: app
`), ['providers.entra.tenants']);
  });
});
