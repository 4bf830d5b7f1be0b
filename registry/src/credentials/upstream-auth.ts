import { credentialHeaderNameProblem, isHeaderValue } from '@mcpgw/lib/routes/upstream-credential-headers.js';

/**
 * The upstream credential of a server entry, as clients send it (the original's `auth_scheme`,
 * `auth_credential`, `auth_header_name`, plus `auth_headers` for custom headers). It is write-only:
 * answers say which scheme is set, never the secret.
 */
export const AUTH_SCHEMES = ['none', 'bearer', 'api_key', 'custom'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];
export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

export interface UpstreamAuthInput {
  auth_scheme?: AuthScheme | undefined;
  auth_credential?: string | undefined;
  auth_header_name?: string | undefined;
  auth_headers?: Record<string, string> | undefined;
}

/** A credential ready to seal: the headers to set on every request to the upstream. */
export interface UpstreamCredential {
  scheme: Exclude<AuthScheme, 'none'>;
  headers: Record<string, string>;
}

/** What the registry answers about a server's credential. */
export interface UpstreamAuthView {
  auth_scheme: Exclude<AuthScheme, 'none'>;
  auth_credential_set: true;
  auth_header_name?: string;
  auth_header_names?: string[];
}

export interface AuthProblem {
  path: string;
  message: string;
}

/** Every problem with the auth_* keys of an entry, each with its key. Pure. */
export function upstreamAuthProblems(input: UpstreamAuthInput): AuthProblem[] {
  const problems: AuthProblem[] = [];
  const scheme = input.auth_scheme;
  const needsCredential = scheme === 'bearer' || scheme === 'api_key';
  if (scheme === undefined) {
    for (const key of ['auth_credential', 'auth_header_name', 'auth_headers'] as const) {
      if (input[key] !== undefined) problems.push({ path: key, message: 'set auth_scheme (bearer, api_key or custom) with it' });
    }
    return problems;
  }
  if (needsCredential && input.auth_credential === undefined) problems.push({ path: 'auth_credential', message: `is required with auth_scheme ${scheme}` });
  if (!needsCredential && input.auth_credential !== undefined) problems.push({ path: 'auth_credential', message: `is used only with auth_scheme bearer or api_key, not ${scheme}` });
  if (input.auth_credential !== undefined && !isHeaderValue(input.auth_credential)) {
    problems.push({ path: 'auth_credential', message: 'must be printable ASCII without line breaks or surrounding spaces' });
  }
  if (input.auth_header_name !== undefined) {
    if (scheme !== 'api_key') problems.push({ path: 'auth_header_name', message: 'is used only with auth_scheme api_key' });
    const problem = credentialHeaderNameProblem(input.auth_header_name);
    if (problem !== undefined) problems.push({ path: 'auth_header_name', message: problem });
  }
  if (scheme === 'custom' && (input.auth_headers === undefined || Object.keys(input.auth_headers).length === 0)) {
    problems.push({ path: 'auth_headers', message: 'list at least one header with auth_scheme custom, e.g. {"X-Tenant-Key": "..."}' });
  }
  if (scheme !== 'custom' && input.auth_headers !== undefined) problems.push({ path: 'auth_headers', message: 'is used only with auth_scheme custom' });
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(input.auth_headers ?? {})) {
    const problem = credentialHeaderNameProblem(name);
    if (problem !== undefined) problems.push({ path: `auth_headers.${name}`, message: problem });
    if (!isHeaderValue(value)) problems.push({ path: `auth_headers.${name}`, message: 'must be printable ASCII without line breaks or surrounding spaces' });
    const lowered = name.toLowerCase().replace(/_/g, '-');
    if (seen.has(lowered)) problems.push({ path: `auth_headers.${name}`, message: 'names the same header as another entry' });
    seen.add(lowered);
  }
  return problems;
}

/** The credential an entry sets: undefined when it says nothing (keep what is stored), null for none. */
export function credentialOf(input: UpstreamAuthInput): UpstreamCredential | null | undefined {
  switch (input.auth_scheme) {
    case undefined:
      return undefined;
    case 'none':
      return null;
    case 'bearer':
      return { scheme: 'bearer', headers: { authorization: `Bearer ${input.auth_credential as string}` } };
    case 'api_key':
      return { scheme: 'api_key', headers: { [input.auth_header_name ?? DEFAULT_API_KEY_HEADER]: input.auth_credential as string } };
    case 'custom':
      return { scheme: 'custom', headers: { ...input.auth_headers } };
  }
}
