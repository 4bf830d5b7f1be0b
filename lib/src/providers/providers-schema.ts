import { z } from 'zod';

/**
 * config/oauth2_providers.yml, in the original MCP Gateway & Registry format (a `providers:` map
 * with display_name, client_id, client_secret, auth_url, token_url, user_info_url, logout_url, scopes,
 * groups_claim, enabled, ...; `session:` and `registry:` for the web login), plus, per provider, what
 * token validation needs: `type`, `issuer`, `jwks_uri`, `audience`, `algorithms`, `resource_indicators`.
 * Strings are read after `${ENV}` substitution, so `enabled: "${KEYCLOAK_ENABLED}"` works.
 */
export const PROVIDER_TYPES = ['keycloak', 'cognito', 'entra', 'okta', 'auth0', 'oidc'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Asymmetric signature algorithms only: `none` and the HS family are refused. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256'];

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', '']);

/** A boolean, also as the text an environment variable substitutes (`"true"`, `""`). */
const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const lowered = value.trim().toLowerCase();
  if (TRUE_WORDS.has(lowered)) return true;
  if (FALSE_WORDS.has(lowered)) return false;
  return value;
}, z.boolean({ error: 'must be true or false' }));

const count = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value),
  z.number().int().positive(),
);

/** A claim name, or null (or empty, as an unset variable gives) for none, as GitHub and Google use in the original. */
const claim = z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? null : value), z.string().trim().nullable());

const algorithm = z.enum(ALLOWED_ALGORITHMS, {
  error: `use asymmetric algorithms only (${ALLOWED_ALGORITHMS.join(', ')}); "none" and HS* are refused`,
});

export const providerEntrySchema = z.strictObject({
  display_name: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  auth_url: z.string().optional(),
  token_url: z.string().optional(),
  user_info_url: z.string().optional(),
  logout_url: z.string().optional(),
  scopes: z.array(z.string().trim().min(1)).optional(),
  response_type: z.string().optional(),
  grant_type: z.string().optional(),
  username_claim: claim.optional(),
  subject_claim: claim.optional(),
  groups_claim: claim.optional(),
  email_claim: claim.optional(),
  name_claim: claim.optional(),
  enabled: flag.default(false),
  type: z.enum(PROVIDER_TYPES, { error: `must be one of ${PROVIDER_TYPES.join(', ')}` }).optional(),
  issuer: z.string().optional(),
  jwks_uri: z.string().optional(),
  audience: z.union([z.string(), z.array(z.string())]).optional(),
  algorithms: z.array(algorithm).min(1).optional(),
  resource_indicators: flag.optional(),
  /** Entra ID multi-tenant: the tenant ids allowed when `issuer` holds `{tenantid}`. */
  tenants: z.array(z.string().trim().min(1)).min(1).optional(),
});
export type ProviderEntry = z.infer<typeof providerEntrySchema>;

export const sessionSchema = z.strictObject({
  max_age_seconds: count.optional(),
  cookie_name: z.string().optional(),
  secure: flag.optional(),
  httponly: flag.optional(),
  samesite: z.string().optional(),
  domain: z.string().optional(),
});

export const registryLoginSchema = z.strictObject({
  callback_url: z.string().optional(),
  success_redirect: z.string().optional(),
  error_redirect: z.string().optional(),
});

export const providersFileSchema = z.strictObject({
  providers: z.record(z.string().trim().min(1), providerEntrySchema).nullable().default({}).transform((value) => value ?? {}),
  session: sessionSchema.optional(),
  registry: registryLoginSchema.optional(),
});
export type ProvidersFile = z.infer<typeof providersFileSchema>;
