/** One problem the API found in what was sent: where (`proxy_pass_url`, `tags[1]`) and what. */
export interface Problem {
  path: string;
  message: string;
}

/** An error answer of the registry API: `{ error: { code, message, problems? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  /** The revision of the resource, from its ETag. */
  revision: number | undefined;
}

export interface ApiOptions {
  json?: unknown;
  yaml?: string;
  /** Sent as If-Match: the revision the edit is based on. */
  ifRevision?: number;
  /** Ask for the YAML text rather than JSON. */
  acceptYaml?: boolean;
}

const CSRF_HEADER = 'X-CSRF-Token';
let csrfToken: string | undefined;

/** The CSRF token of the login session (GET /oauth2/session), sent with every state-changing call. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/**
 * Calls the registry API on this origin with the browser's login session (cookies, same origin only)
 * and, on a state-changing call, the session's CSRF token.
 */
export async function api<T>(method: string, path: string, options: ApiOptions = {}): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { Accept: options.acceptYaml ? 'application/yaml' : 'application/json' };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.yaml !== undefined) {
    headers['Content-Type'] = 'application/yaml';
    body = options.yaml;
  }
  if (options.ifRevision !== undefined) headers['If-Match'] = `"${options.ifRevision}"`;
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== undefined) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body === undefined ? {} : { body }) });
  } catch {
    throw new ApiError(0, 'UI_NETWORK', 'the registry did not answer; check that it is running and try again');
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (!response.ok) throw toApiError(response.status, parsed);
  const etag = /^(?:W\/)?"?(\d+)"?$/.exec(response.headers.get('etag') ?? '');
  return {
    status: response.status,
    body: (options.acceptYaml || parsed === undefined ? text : parsed) as T,
    revision: etag === null ? undefined : Number(etag[1]),
  };
}

function toApiError(status: number, parsed: unknown): ApiError {
  const error = (parsed as { error?: { code?: unknown; message?: unknown; problems?: unknown } } | undefined)?.error;
  if (typeof error === 'object' && error !== null && typeof error.code === 'string') {
    const problems = Array.isArray(error.problems)
      ? error.problems.filter((p): p is Problem => typeof p?.path === 'string' && typeof p?.message === 'string')
      : [];
    return new ApiError(status, error.code, typeof error.message === 'string' ? error.message : error.code, problems);
  }
  return new ApiError(status, 'UI_UNEXPECTED_ANSWER', `the registry answered ${status} without an error description`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
