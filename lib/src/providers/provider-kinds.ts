import type { JWTPayload } from 'jose';
import { TokenError } from '../tokens/token-error.js';
import type { ProviderEntry, ProviderType } from './providers-schema.js';

/**
 * What differs between identity providers, and only that: every kind shares the defaults of
 * `oidc` and overrides what its tokens do differently.
 */
export interface ProviderKind {
  /** The claim carrying group names when the file sets no `groups_claim`. */
  groupsClaim: string | null;
  /** Claims tried, in order, for the display name (after `username_claim`). */
  usernameClaims: readonly string[];
  /** Claims tried, in order, for the client the token was issued to. */
  clientClaims: readonly string[];
  /** Whether a client claim equal to `client_id` binds the token to this gateway when no audience is configured. */
  clientClaimBinds: boolean;
  /** Audiences accepted besides `client_id` when no audience is configured. */
  extraAudiences(clientId: string): string[];
  /** Group names found outside the groups claim (Keycloak realm roles, Entra app roles). */
  extraGroups(claims: JWTPayload): string[];
  /** The issuer, when the entry does not name it, from the entry's URLs or the environment. */
  deriveIssuer(entry: ProviderEntry, env: NodeJS.ProcessEnv): string | undefined;
  /** Other spellings of the issuer the provider signs tokens with (Entra v1 tokens). */
  issuerAliases(issuer: string): string[];
  /** Checks particular to the kind, after the signature and the registered claims. */
  check(claims: JWTPayload, issuer: string): TokenError | undefined;
}

const oidc: ProviderKind = {
  groupsClaim: 'groups',
  usernameClaims: ['preferred_username', 'username', 'email'],
  clientClaims: ['client_id', 'azp', 'cid', 'appid'],
  clientClaimBinds: true,
  extraAudiences: () => [],
  extraGroups: () => [],
  deriveIssuer: () => undefined,
  issuerAliases: () => [],
  check: () => undefined,
};

/** Entra ID: `https://login.microsoftonline.com/{tenant}/v2.0` (v2) and `https://sts.windows.net/{tenant}/` (v1). */
const ENTRA_V2_ISSUER = /^(https?:\/\/[^/]+)\/([^/]+)\/v2\.0\/?$/;
/** The placeholder of a multi-tenant Entra issuer, as Microsoft's own discovery documents write it. */
export const ENTRA_TENANT_PLACEHOLDER = '{tenantid}';

/** The issuers (v2 and v1) of one tenant of a multi-tenant issuer template. */
export function entraTenantIssuers(template: string, tenant: string): string[] {
  return [template.replace(ENTRA_TENANT_PLACEHOLDER, tenant), `https://sts.windows.net/${tenant}/`];
}
const ENTRA_SHARED_TENANTS = new Set(['common', 'organizations', 'consumers']);

export function entraTenantOf(issuer: string): string | undefined {
  return ENTRA_V2_ISSUER.exec(issuer)?.[2];
}

export const PROVIDER_KINDS: Readonly<Record<ProviderType, ProviderKind>> = {
  oidc,
  keycloak: {
    ...oidc,
    clientClaims: ['azp', 'client_id'],
    extraGroups: (claims) => stringList((claims.realm_access as { roles?: unknown } | undefined)?.roles),
    deriveIssuer: (entry) => {
      for (const url of [entry.auth_url, entry.token_url, entry.user_info_url]) {
        const match = /^(https?:\/\/.+\/realms\/[^/]+)\/protocol\/openid-connect\//.exec(url ?? '');
        if (match) return match[1];
      }
      return undefined;
    },
  },
  cognito: {
    ...oidc,
    groupsClaim: 'cognito:groups',
    usernameClaims: ['username', 'cognito:username', 'email'],
    clientClaims: ['client_id', 'azp'],
    deriveIssuer: (_entry, env) => {
      const pool = env.COGNITO_USER_POOL_ID;
      if (!pool) return undefined;
      const region = env.AWS_REGION || pool.split('_')[0];
      return `https://cognito-idp.${region}.amazonaws.com/${pool}`;
    },
    check: (claims) =>
      claims.token_use === 'access'
        ? undefined
        : new TokenError('AUTH_TOKEN_WRONG_TYPE', 'send a Cognito access token (token_use "access"), not an ID token'),
  },
  entra: {
    ...oidc,
    usernameClaims: ['preferred_username', 'upn', 'unique_name', 'email'],
    clientClaims: ['azp', 'appid'],
    clientClaimBinds: false,
    extraAudiences: (clientId) => [`api://${clientId}`],
    extraGroups: (claims) => stringList(claims.roles),
    deriveIssuer: (entry) => {
      for (const url of [entry.auth_url, entry.token_url]) {
        const match = /^(https?:\/\/[^/]+)\/([^/]+)\/oauth2\//.exec(url ?? '');
        if (match) return `${match[1]}/${match[2]}/v2.0`;
      }
      return undefined;
    },
    issuerAliases: (issuer) => {
      const tenant = entraTenantOf(issuer);
      return tenant && !ENTRA_SHARED_TENANTS.has(tenant) && !issuer.includes(ENTRA_TENANT_PLACEHOLDER) ? [`https://sts.windows.net/${tenant}/`] : [];
    },
    check: (claims, issuer) => {
      if (issuer.includes(ENTRA_TENANT_PLACEHOLDER)) {
        // The signature check already limited `iss` to the allowed tenants; `tid` must be the tenant `iss` names.
        const tid = typeof claims.tid === 'string' ? claims.tid : '';
        return tid !== '' && entraTenantIssuers(issuer, tid).includes(claims.iss as string)
          ? undefined
          : new TokenError('AUTH_TOKEN_WRONG_TENANT', 'the token\'s tenant (tid) is not the tenant of its issuer');
      }
      const tenant = entraTenantOf(issuer);
      if (!tenant || ENTRA_SHARED_TENANTS.has(tenant) || claims.tid === tenant) return undefined;
      return new TokenError('AUTH_TOKEN_WRONG_TENANT', 'the token was issued for another Entra ID tenant (tid)');
    },
  },
  okta: {
    ...oidc,
    usernameClaims: ['preferred_username', 'sub'],
    clientClaims: ['cid', 'client_id'],
    deriveIssuer: (entry) => {
      const match = /^(https?:\/\/.+?)\/v1\/(token|authorize|userinfo)$/.exec(entry.token_url ?? entry.auth_url ?? '');
      if (!match?.[1]) return undefined;
      return match[1].endsWith('/oauth2') ? match[1].slice(0, -'/oauth2'.length) : match[1];
    },
  },
  auth0: {
    ...oidc,
    groupsClaim: null,
    usernameClaims: ['nickname', 'preferred_username', 'email'],
    clientClaims: ['azp', 'client_id'],
    deriveIssuer: (entry) => {
      const match = /^(https?:\/\/[^/]+)\/oauth\/token$/.exec(entry.token_url ?? '');
      return match ? `${match[1]}/` : undefined;
    },
  },
};

/** The string values of a claim: an array's strings, or a lone string. */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}
