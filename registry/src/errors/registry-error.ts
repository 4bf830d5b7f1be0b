/** Every error the registry answers with, besides token problems (TokenErrors from the shared module, 401). */
export type RegistryErrorCode =
  | 'REGISTRY_NGINX_CONFIG_INVALID'
  | 'REGISTRY_NGINX_RELOAD_FAILED'
  | 'REGISTRY_INVALID_SERVER'
  | 'REGISTRY_INVALID_JSON'
  | 'REGISTRY_BODY_TOO_LARGE'
  | 'REGISTRY_FORBIDDEN'
  | 'REGISTRY_SERVER_NOT_FOUND'
  | 'REGISTRY_SERVER_EXISTS'
  | 'REGISTRY_INTERNAL_TOKEN_INVALID'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_INVALID_QUERY'
  | 'REGISTRY_SERVER_VERSION_NOT_FOUND'
  | 'REGISTRY_NOT_IMPLEMENTED'
  | 'REGISTRY_SERVER_FEDERATED'
  | 'REGISTRY_REVISION_CONFLICT'
  | 'REGISTRY_REVISION_REQUIRED'
  | 'REGISTRY_INVALID_REVISION'
  | 'REGISTRY_INVALID_SCOPES'
  | 'REGISTRY_SCOPES_LOCKOUT'
  | 'REGISTRY_SCOPES_NOT_FOUND'
  | 'REGISTRY_SCOPES_FILE_BROKEN'
  | 'REGISTRY_IDP_NOT_CONFIGURED'
  | 'REGISTRY_VIRTUAL_SERVER_NOT_FOUND'
  | 'REGISTRY_INVALID_VIRTUAL_SERVER'
  | 'REGISTRY_IDP_UNAVAILABLE'
  | 'REGISTRY_IDP_NOT_FOUND'
  | 'REGISTRY_IDP_CONFLICT'
  | 'REGISTRY_IDP_INVALID'
  | 'REGISTRY_STORAGE_FULL'
  | 'REGISTRY_UI_NOT_BUILT'
  | 'REGISTRY_SESSION_INVALID'
  | 'REGISTRY_SESSION_EXPIRED'
  | 'REGISTRY_CSRF_TOKEN_INVALID'
  | 'REGISTRY_LOGIN_FAILED'
  | 'REGISTRY_LOGIN_RATE_LIMITED'
  | 'REGISTRY_LOGIN_UNAVAILABLE'
  | 'REGISTRY_LOGIN_STATE_INVALID'
  | 'REGISTRY_LOGIN_PROVIDER_FAILED'
  | 'REGISTRY_INVALID_TOKEN_REQUEST'
  | 'REGISTRY_TOKEN_SCOPE_NOT_HELD'
  | 'REGISTRY_TOKEN_RATE_LIMITED'
  | 'REGISTRY_INVALID_USAGE'
  | 'REGISTRY_INVALID_REQUEST'
  | 'REGISTRY_SCAN_NOT_FOUND'
  | 'REGISTRY_INVALID_AGENT'
  | 'REGISTRY_AGENT_NOT_FOUND'
  | 'REGISTRY_AGENT_EXISTS'
  | 'REGISTRY_INVALID_RATING'
  | 'REGISTRY_INVALID_PEER'
  | 'REGISTRY_PEER_NOT_FOUND'
  | 'REGISTRY_PEER_EXISTS'
  | 'REGISTRY_PEER_CONFIG_MANAGED'
  | 'REGISTRY_FEDERATION_DISABLED'
  | 'REGISTRY_FEDERATION_KEY_MISSING'
  | 'REGISTRY_PEER_SYNC_FAILED'
  | 'REGISTRY_PEER_SYNC_IN_PROGRESS'
  | 'REGISTRY_FEDERATION_CURSOR_UNKNOWN'
  | 'REGISTRY_INTERNAL';

/** One validation problem: where in the submitted document (`proxy_pass_url`, `tags[1]`) and what is wrong. */
export interface RegistryProblem {
  path: string;
  message: string;
}

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    readonly status: number,
    message: string,
    readonly details: { problems?: RegistryProblem[]; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get problems(): RegistryProblem[] | undefined {
    return this.details.problems;
  }
}

export function invalidServer(problems: RegistryProblem[]): RegistryError {
  const summary = problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ');
  return new RegistryError('REGISTRY_INVALID_SERVER', 400, `the server entry is invalid; fix these and retry: ${summary}`, { problems });
}

export function serverNotFound(path: string): RegistryError {
  return new RegistryError('REGISTRY_SERVER_NOT_FOUND', 404, `no server is registered at ${path}; list servers with GET /api/servers`);
}

export function serverExists(path: string): RegistryError {
  return new RegistryError('REGISTRY_SERVER_EXISTS', 409, `a server is already registered at ${path}; edit it with PUT or PATCH, or pick another path`);
}

export function serverFederated(path: string, from: string | null): RegistryError {
  return new RegistryError(
    'REGISTRY_SERVER_FEDERATED',
    403,
    `${path} is a copy of a server of the peer registry ${from ?? '(unknown)'} and is read-only here; change it at the source registry (the next sync brings the change), or delete the copy`,
  );
}

/** An If-Match (or `revision`) that is not the current revision: someone else changed it first. */
export function revisionConflict(what: string, expected: number, current: number): RegistryError {
  return new RegistryError(
    'REGISTRY_REVISION_CONFLICT',
    409,
    `${what} is at revision ${current}, not ${expected}: it changed since you read it; read it again and redo your edit`,
  );
}

/** The problems of a failed zod parse, each with its dotted path; unknown keys are named. */
export function problemsOf(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: readonly string[] }> }): RegistryProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' && issue.keys ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message,
  }));
}
