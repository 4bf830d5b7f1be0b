import type { ProviderEntry, ProviderType } from './providers-schema.js';
import { PROVIDER_TYPES } from './providers-schema.js';
import { ProvidersInvalidError, type ProvidersProblem } from './providers-invalid-error.js';

/**
 * The providers AUTH_PROVIDER names (a comma list: `keycloak`, `cognito`, `entra`, `okta`, `auth0`,
 * `oidc`), configured by the original's variables without a file: KEYCLOAK_URL and KEYCLOAK_REALM,
 * COGNITO_USER_POOL_ID and AWS_REGION, ENTRA_TENANT_ID, OKTA_DOMAIN, AUTH0_DOMAIN, OIDC_ISSUER, each
 * with its `*_CLIENT_ID`, `*_CLIENT_SECRET`, `*_AUDIENCE` and `*_GROUPS_CLAIM`. Pure.
 */
export function providerEntriesFromEnv(env: NodeJS.ProcessEnv): Record<string, ProviderEntry> {
  const names = (env.AUTH_PROVIDER ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '' && name !== 'none');
  const problems: ProvidersProblem[] = [];
  const entries: Record<string, ProviderEntry> = {};
  for (const name of names) {
    if (!(PROVIDER_TYPES as readonly string[]).includes(name)) {
      problems.push({ path: 'AUTH_PROVIDER', message: `unknown provider ${JSON.stringify(name)}; use ${PROVIDER_TYPES.join(', ')} or none` });
      continue;
    }
    const type = name as ProviderType;
    const required = (variable: string): string => {
      const value = env[variable]?.trim();
      if (!value) problems.push({ path: variable, message: `AUTH_PROVIDER=${type} needs ${variable}` });
      return value ?? '';
    };
    const common = (prefix: string): ProviderEntry => ({
      type,
      enabled: true,
      ...optional('client_id', env[`${prefix}_CLIENT_ID`]),
      ...optional('client_secret', env[`${prefix}_CLIENT_SECRET`]),
      ...optional('groups_claim', env[`${prefix}_GROUPS_CLAIM`]),
      ...(env[`${prefix}_AUDIENCE`] ? { audience: (env[`${prefix}_AUDIENCE`] as string).split(',').map((a) => a.trim()).filter(Boolean) } : {}),
    });
    entries[type] = ENTRY_BUILDERS[type](env, required, common);
  }
  if (problems.length > 0) throw new ProvidersInvalidError(problems, 'the environment');
  return entries;
}

type Builder = (env: NodeJS.ProcessEnv, required: (variable: string) => string, common: (prefix: string) => ProviderEntry) => ProviderEntry;

const ENTRY_BUILDERS: Record<ProviderType, Builder> = {
  keycloak: (env, required, common) => {
    const internal = required('KEYCLOAK_URL').replace(/\/+$/, '');
    const external = (env.KEYCLOAK_EXTERNAL_URL?.trim() || internal).replace(/\/+$/, '');
    const realm = env.KEYCLOAK_REALM?.trim() || 'mcp-gateway';
    return {
      ...common('KEYCLOAK'),
      display_name: 'Keycloak',
      issuer: `${external}/realms/${realm}`,
      jwks_uri: `${internal}/realms/${realm}/protocol/openid-connect/certs`,
      auth_url: `${external}/realms/${realm}/protocol/openid-connect/auth`,
      token_url: `${internal}/realms/${realm}/protocol/openid-connect/token`,
      user_info_url: `${internal}/realms/${realm}/protocol/openid-connect/userinfo`,
      logout_url: `${external}/realms/${realm}/protocol/openid-connect/logout`,
    };
  },
  cognito: (env, required, common) => {
    const pool = required('COGNITO_USER_POOL_ID');
    const region = env.AWS_REGION?.trim() || pool.split('_')[0];
    const domain = env.COGNITO_DOMAIN?.trim();
    const login = domain ? `https://${domain}.auth.${region}.amazoncognito.com` : undefined;
    return {
      ...common('COGNITO'),
      display_name: 'AWS Cognito',
      issuer: `https://cognito-idp.${region}.amazonaws.com/${pool}`,
      ...(login
        ? { auth_url: `${login}/oauth2/authorize`, token_url: `${login}/oauth2/token`, user_info_url: `${login}/oauth2/userInfo`, logout_url: `${login}/logout` }
        : {}),
    };
  },
  entra: (_env, required, common) => {
    const tenant = required('ENTRA_TENANT_ID');
    const base = `https://login.microsoftonline.com/${tenant}`;
    return {
      ...common('ENTRA'),
      display_name: 'Microsoft Entra ID',
      issuer: `${base}/v2.0`,
      auth_url: `${base}/oauth2/v2.0/authorize`,
      token_url: `${base}/oauth2/v2.0/token`,
      user_info_url: 'https://graph.microsoft.com/oidc/userinfo',
      logout_url: `${base}/oauth2/v2.0/logout`,
    };
  },
  okta: (env, required, common) => {
    const server = env.OKTA_AUTH_SERVER_ID?.trim() || 'default';
    const issuer = `https://${required('OKTA_DOMAIN')}/oauth2/${server}`;
    const entry = common('OKTA');
    return {
      ...entry,
      display_name: 'Okta',
      issuer,
      ...(entry.audience === undefined && server === 'default' ? { audience: 'api://default' } : {}),
      auth_url: `${issuer}/v1/authorize`,
      token_url: `${issuer}/v1/token`,
      user_info_url: `${issuer}/v1/userinfo`,
      logout_url: `${issuer}/v1/logout`,
    };
  },
  auth0: (_env, required, common) => {
    const base = `https://${required('AUTH0_DOMAIN')}`;
    return {
      ...common('AUTH0'),
      display_name: 'Auth0',
      issuer: `${base}/`,
      auth_url: `${base}/authorize`,
      token_url: `${base}/oauth/token`,
      user_info_url: `${base}/userinfo`,
      logout_url: `${base}/v2/logout`,
    };
  },
  oidc: (env, required, common) => ({
    ...common('OIDC'),
    display_name: 'OpenID Connect',
    issuer: required('OIDC_ISSUER'),
    ...optional('jwks_uri', env.OIDC_JWKS_URI),
  }),
};

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  const trimmed = value?.trim();
  return trimmed ? ({ [key]: trimmed } as Record<K, string>) : {};
}
