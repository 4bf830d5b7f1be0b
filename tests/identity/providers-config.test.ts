import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { identitySettingsFromEnv } from '@mcpgw/lib/providers/identity-settings.js';
import { parseProvidersFile } from '@mcpgw/lib/providers/parse-providers-file.js';
import { protectedResourceSettings } from '@mcpgw/lib/providers/protected-resource-settings.js';
import { ProvidersInvalidError } from '@mcpgw/lib/providers/providers-invalid-error.js';
import { resolveProviders } from '@mcpgw/lib/providers/resolve-providers.js';
import { substituteEnv } from '@mcpgw/lib/providers/substitute-env.js';
import { makeTempDir } from '../support/temp-dir.js';
import { providersFromYaml } from './support/providers.js';

/** The paths of every problem an invalid configuration reports. */
function problemPaths(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ProvidersInvalidError) return error.problems.map((problem) => problem.path).sort();
    throw error;
  }
  assert.fail('expected the configuration to be refused');
}

describe('oauth2_providers.yml', () => {
  test('the shipped file parses, keeps the original format, and enables no provider', () => {
    const file = parseProvidersFile(readFileSync('config/oauth2_providers.yml', 'utf8'), {});
    assert.deepEqual(Object.keys(file.providers).sort(), ['auth0', 'cognito', 'entra', 'keycloak', 'oidc', 'okta']);
    assert.ok(Object.values(file.providers).every((entry) => entry.enabled === false));
    assert.equal(file.session?.cookie_name, 'mcp_oauth_session');
    assert.deepEqual(resolveProviders(file.providers, {}), { providers: [], loginOnly: [] });
  });

  test('a file from the original system, with ${ENV} flags and login-only providers, works unchanged', () => {
    const original = `
providers:
  keycloak:
    display_name: "Keycloak"
    client_id: "\${KEYCLOAK_CLIENT_ID}"
    client_secret: "\${KEYCLOAK_CLIENT_SECRET}"
    auth_url: "\${KEYCLOAK_EXTERNAL_URL}/realms/\${KEYCLOAK_REALM}/protocol/openid-connect/auth"
    token_url: "\${KEYCLOAK_URL}/realms/\${KEYCLOAK_REALM}/protocol/openid-connect/token"
    user_info_url: "\${KEYCLOAK_URL}/realms/\${KEYCLOAK_REALM}/protocol/openid-connect/userinfo"
    logout_url: "\${KEYCLOAK_EXTERNAL_URL}/realms/\${KEYCLOAK_REALM}/protocol/openid-connect/logout"
    scopes: ["openid", "email", "profile"]
    response_type: "code"
    grant_type: "authorization_code"
    username_claim: "preferred_username"
    groups_claim: "groups"
    email_claim: "email"
    name_claim: "name"
    enabled: "\${KEYCLOAK_ENABLED}"
  github:
    display_name: "GitHub"
    client_id: "\${GITHUB_CLIENT_ID}"
    auth_url: "https://github.com/login/oauth/authorize"
    token_url: "https://github.com/login/oauth/access_token"
    user_info_url: "https://api.github.com/user"
    scopes: ["read:user", "user:email"]
    username_claim: "login"
    subject_claim: "id"
    groups_claim: null
    enabled: true
session:
  max_age_seconds: 28800
  cookie_name: "mcp_oauth_session"
  secure: true
  httponly: true
  samesite: "lax"
  domain: "\${SESSION_COOKIE_DOMAIN}"
registry:
  callback_url: "\${REGISTRY_URL}/auth/callback"
`;
    const env = {
      KEYCLOAK_ENABLED: 'true',
      KEYCLOAK_URL: 'http://keycloak:8080',
      KEYCLOAK_EXTERNAL_URL: 'https://idp.example.com',
      KEYCLOAK_REALM: 'mcp',
      KEYCLOAK_CLIENT_ID: 'mcp-gateway',
    };
    const { providers, loginOnly } = resolveProviders(parseProvidersFile(original, env).providers, env);
    assert.deepEqual(loginOnly, ['github']);
    assert.equal(providers.length, 1);
    const [keycloak] = providers;
    assert.equal(keycloak?.type, 'keycloak');
    assert.equal(keycloak?.issuer, 'https://idp.example.com/realms/mcp');
    assert.equal(keycloak?.clientId, 'mcp-gateway');
    assert.equal(keycloak?.groupsClaim, 'groups');
    assert.deepEqual(keycloak?.algorithms, ['RS256']);
    assert.equal(providersFromYaml(original, { ...env, KEYCLOAK_ENABLED: '' }).length, 0);
  });

  test('${NAME} and ${NAME:-default} are substituted in every string', () => {
    assert.deepEqual(substituteEnv({ a: ['${X}/y', '${MISSING}', '${MISSING:-dflt}', '${EMPTY:-dflt}'], n: 3 }, { X: 'x', EMPTY: '' }), {
      a: ['x/y', '', 'dflt', 'dflt'],
      n: 3,
    });
  });

  test('every problem is reported with its path, unknown keys included', () => {
    const paths = problemPaths(() =>
      parseProvidersFile(
        `
providers:
  a:
    enabled: maybe
    algorithms: [HS256]
    colour: blue
  b:
    type: ldap
session:
  cookie: x
extra: 1
`,
        {},
      ),
    );
    assert.deepEqual(paths, ['', 'providers.a', 'providers.a.algorithms[0]', 'providers.a.enabled', 'providers.b.type', 'session']);
  });

  test('alg none is refused as an algorithm', () => {
    assert.deepEqual(problemPaths(() => parseProvidersFile('providers:\n  a:\n    algorithms: [none]\n', {})), ['providers.a.algorithms[0]']);
  });

  test('enabled providers must say whose tokens they accept, with an issuer that is a URL and one owner', () => {
    const paths = problemPaths(() =>
      providersFromYaml(`
providers:
  keycloak:
    enabled: true
    client_id: x
  no-audience:
    enabled: true
    type: oidc
    issuer: https://idp.example.com
  both:
    enabled: true
    type: oidc
    issuer: https://other.example.com
    audience: api
    resource_indicators: true
  bad-url:
    enabled: true
    type: oidc
    issuer: idp.example.com
    client_id: x
  twin:
    enabled: true
    type: oidc
    issuer: https://idp.example.com
    client_id: y
`),
    );
    assert.deepEqual(paths, ['providers.bad-url.issuer', 'providers.both.audience', 'providers.keycloak.issuer', 'providers.no-audience.audience', 'providers.twin.issuer']);
  });

  test('issuers are derived from the original URLs for Keycloak, Entra ID, Okta and Auth0, and from the environment for Cognito', () => {
    const providers = providersFromYaml(
      `
providers:
  keycloak:
    enabled: true
    client_id: c
    token_url: https://kc.example.com/realms/r1/protocol/openid-connect/token
  entra:
    enabled: true
    client_id: c
    auth_url: https://login.microsoftonline.com/tenant-1/oauth2/v2.0/authorize
  okta:
    enabled: true
    client_id: c
    token_url: https://org.okta.com/oauth2/default/v1/token
  auth0:
    enabled: true
    audience: https://api.example.com
    token_url: https://tenant.auth0.com/oauth/token
  cognito:
    enabled: true
    client_id: c
`,
      { COGNITO_USER_POOL_ID: 'eu-west-1_Pool' },
    );
    assert.deepEqual(
      Object.fromEntries(providers.map((p) => [p.name, p.acceptedIssuers])),
      {
        keycloak: ['https://kc.example.com/realms/r1'],
        entra: ['https://login.microsoftonline.com/tenant-1/v2.0', 'https://sts.windows.net/tenant-1/'],
        okta: ['https://org.okta.com/oauth2/default'],
        auth0: ['https://tenant.auth0.com/'],
        cognito: ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool'],
      },
    );
  });

  test('AUTH_PROVIDER and the original variables configure providers without a file, and replace its entry', () => {
    const temp = makeTempDir();
    try {
      const file = path.join(temp.dir, 'providers.yml');
      writeFileSync(file, 'providers:\n  entra:\n    enabled: true\n    type: oidc\n    issuer: https://file.example.com\n    client_id: from-file\n');
      const settings = identitySettingsFromEnv({
        OAUTH2_PROVIDERS_FILE: file,
        AUTH_PROVIDER: 'keycloak, entra, cognito',
        KEYCLOAK_URL: 'http://keycloak:8080',
        KEYCLOAK_EXTERNAL_URL: 'https://idp.example.com',
        KEYCLOAK_REALM: 'mcp',
        KEYCLOAK_CLIENT_ID: 'gw',
        ENTRA_TENANT_ID: 'tenant-2',
        ENTRA_CLIENT_ID: 'api-app',
        COGNITO_USER_POOL_ID: 'us-east-1_Abc',
        COGNITO_CLIENT_ID: 'app',
        GATEWAY_PUBLIC_URL: 'https://gateway.example.com/',
        TOKEN_CLOCK_SKEW_SECONDS: '30',
      });
      const byName = new Map(settings.providers.map((p) => [p.name, p]));
      assert.equal(byName.get('keycloak')?.issuer, 'https://idp.example.com/realms/mcp');
      assert.equal(byName.get('keycloak')?.jwksUri, 'http://keycloak:8080/realms/mcp/protocol/openid-connect/certs');
      assert.equal(byName.get('entra')?.issuer, 'https://login.microsoftonline.com/tenant-2/v2.0');
      assert.equal(byName.get('entra')?.clientId, 'api-app');
      assert.equal(byName.get('cognito')?.issuer, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc');
      assert.equal(settings.gatewayPublicUrl, 'https://gateway.example.com');
      assert.equal(settings.clockSkewSeconds, 30);
    } finally {
      temp.remove();
    }
  });

  test('AUTH_PROVIDER reports every missing variable and unknown name', () => {
    assert.deepEqual(problemPaths(() => identitySettingsFromEnv({ AUTH_PROVIDER: 'keycloak,entra,ldap', OAUTH2_PROVIDERS_FILE: 'config/oauth2_providers.yml' })), [
      'AUTH_PROVIDER',
      'ENTRA_TENANT_ID',
      'KEYCLOAK_URL',
    ]);
  });

  test('the defaults: no providers, the gateway on 127.0.0.1:GATEWAY_PORT, 60 s of clock skew', () => {
    const settings = identitySettingsFromEnv({ GATEWAY_PORT: '8123' });
    assert.deepEqual(settings.providers, []);
    assert.equal(settings.gatewayPublicUrl, 'http://127.0.0.1:8123');
    assert.equal(settings.clockSkewSeconds, 60);
    assert.throws(() => identitySettingsFromEnv({ GATEWAY_PUBLIC_URL: 'https://gw.example.com/mcp' }), /origin only/);
    assert.throws(() => identitySettingsFromEnv({ OAUTH2_PROVIDERS_FILE: '/nonexistent/providers.yml' }), /cannot read/);
  });

  test('protected resource metadata names the providers, or the registry when its issuer is a URL', () => {
    const providers = providersFromYaml(`
providers:
  a:
    enabled: true
    type: oidc
    issuer: https://a.example.com
    client_id: x
    scopes: [openid, mcp]
  b:
    enabled: true
    type: oidc
    issuer: https://b.example.com
    client_id: x
    scopes: [mcp, profile]
`);
    assert.deepEqual(protectedResourceSettings(providers, 'mcp-gateway-registry'), {
      authorizationServers: ['https://a.example.com', 'https://b.example.com'],
      scopesSupported: ['openid', 'mcp', 'profile'],
    });
    assert.deepEqual(protectedResourceSettings([], 'https://registry.example.com').authorizationServers, ['https://registry.example.com']);
    assert.deepEqual(protectedResourceSettings([], 'mcp-gateway-registry').authorizationServers, []);
  });
});
