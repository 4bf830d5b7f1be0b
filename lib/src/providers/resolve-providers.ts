import { DEFAULT_ALGORITHMS, PROVIDER_TYPES, type ProviderEntry, type ProviderType } from './providers-schema.js';
import { ENTRA_TENANT_PLACEHOLDER, entraTenantIssuers, PROVIDER_KINDS } from './provider-kinds.js';
import type { ProviderSettings } from './provider-settings.js';
import { ProvidersInvalidError, type ProvidersProblem } from './providers-invalid-error.js';

export interface ResolvedProviders {
  /** Enabled providers whose tokens are accepted. */
  providers: ProviderSettings[];
  /** Enabled providers with no issuer (GitHub, Google in the original file): usable for login only. */
  loginOnly: string[];
}

const URL_FIELDS = ['issuer', 'jwks_uri', 'auth_url', 'token_url', 'user_info_url', 'logout_url'] as const;

/**
 * Turns the enabled entries into provider settings: the kind (from `type`, else the entry's name
 * when it names a kind, else generic OIDC), the issuer (set, or derived from the entry's URLs or the
 * original's environment variables), audiences and algorithms. Pure: throws ProvidersInvalidError
 * listing every problem.
 */
export function resolveProviders(entries: Readonly<Record<string, ProviderEntry>>, env: NodeJS.ProcessEnv, source?: string): ResolvedProviders {
  const problems: ProvidersProblem[] = [];
  const providers: ProviderSettings[] = [];
  const loginOnly: string[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (!entry.enabled) continue;
    const at = (field: string): string => `providers.${name}.${field}`;
    const namedType: ProviderType | undefined = entry.type ?? (isProviderType(name) ? name : undefined);
    const type: ProviderType = namedType ?? 'oidc';
    const kind = PROVIDER_KINDS[type];

    for (const field of URL_FIELDS) {
      const value = entry[field];
      if (value !== undefined && value !== '' && !isHttpUrl(value)) problems.push({ path: at(field), message: `must be an http(s) URL, got ${JSON.stringify(value)}` });
    }
    const issuer = nonEmpty(entry.issuer) ?? kind.deriveIssuer(entry, env);
    if (issuer === undefined) {
      if (namedType === undefined) loginOnly.push(name);
      else problems.push({ path: at('issuer'), message: `set the issuer of ${name}'s tokens (the "iss" claim, e.g. https://idp.example.com/realms/mcp)` });
      continue;
    }
    if (!isHttpUrl(issuer)) {
      if (entry.issuer === undefined) problems.push({ path: at('issuer'), message: `the issuer derived from the entry's URLs, ${JSON.stringify(issuer)}, is not a URL; set issuer` });
      continue;
    }

    const templated = issuer.includes(ENTRA_TENANT_PLACEHOLDER);
    if (templated && (type !== 'entra' || entry.tenants === undefined)) {
      problems.push({ path: at('tenants'), message: `an issuer with ${ENTRA_TENANT_PLACEHOLDER} needs type entra and the list of allowed tenant ids in tenants` });
      continue;
    }
    if (!templated && entry.tenants !== undefined) {
      problems.push({ path: at('tenants'), message: `tenants applies only to an Entra issuer with ${ENTRA_TENANT_PLACEHOLDER}, e.g. https://login.microsoftonline.com/${ENTRA_TENANT_PLACEHOLDER}/v2.0` });
    }
    const acceptedIssuers = templated
      ? (entry.tenants ?? []).flatMap((tenant) => entraTenantIssuers(issuer, tenant))
      : [issuer, ...kind.issuerAliases(issuer)];

    const audiences = (Array.isArray(entry.audience) ? entry.audience : [entry.audience ?? '']).map((a) => a.trim()).filter(Boolean);
    const clientId = nonEmpty(entry.client_id);
    const resourceIndicators = entry.resource_indicators ?? false;
    if (resourceIndicators && audiences.length > 0) {
      problems.push({ path: at('audience'), message: 'leave audience out with resource_indicators: true; the audience must then name this gateway' });
    }
    if (!resourceIndicators && audiences.length === 0 && clientId === undefined) {
      problems.push({ path: at('audience'), message: 'set audience or client_id (or resource_indicators: true) so that tokens meant for other applications are refused' });
    }
    providers.push(Object.freeze({
      name,
      type,
      displayName: entry.display_name ?? name,
      issuer,
      acceptedIssuers: Object.freeze(acceptedIssuers),
      jwksUri: nonEmpty(entry.jwks_uri),
      clientId,
      audiences: Object.freeze(audiences),
      resourceIndicators,
      algorithms: Object.freeze([...(entry.algorithms ?? DEFAULT_ALGORITHMS)]),
      groupsClaim: entry.groups_claim === undefined ? kind.groupsClaim : entry.groups_claim,
      usernameClaim: entry.username_claim ?? null,
      scopes: Object.freeze([...(entry.scopes ?? [])]),
      login: Object.freeze({
        clientSecret: nonEmpty(entry.client_secret),
        authUrl: nonEmpty(entry.auth_url),
        tokenUrl: nonEmpty(entry.token_url),
        userInfoUrl: nonEmpty(entry.user_info_url),
        logoutUrl: nonEmpty(entry.logout_url),
      }),
    }));
  }

  const owners = new Map<string, string>();
  for (const provider of providers) {
    for (const issuer of provider.acceptedIssuers) {
      const owner = owners.get(issuer);
      if (owner !== undefined) problems.push({ path: `providers.${provider.name}.issuer`, message: `${issuer} is already the issuer of provider ${owner}; an issuer belongs to one provider` });
      else owners.set(issuer, provider.name);
    }
  }
  if (problems.length > 0) throw new ProvidersInvalidError(problems, source);
  return { providers, loginOnly };
}

function isProviderType(name: string): name is ProviderType {
  return (PROVIDER_TYPES as readonly string[]).includes(name);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
