import { CliError } from '../cli-error.js';

export interface RegistryTarget {
  /** The registry's base URL, e.g. http://127.0.0.1:7860. */
  url: URL;
  token: string | undefined;
}

interface RegistryErrorBody {
  error?: { code?: unknown; message?: unknown; problems?: Array<{ path?: unknown; message?: unknown }> };
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * One call to the registry's REST API with the bearer token. Answers the parsed JSON body (undefined
 * for 204); refusals (401/403) become CLI_REFUSED, other failures CLI_REQUEST_FAILED with the
 * registry's error code and each validation problem, network failures CLI_UNREACHABLE.
 */
export async function callRegistry(target: RegistryTarget, method: string, apiPath: string, body?: unknown): Promise<unknown> {
  const url = new URL(apiPath, target.url);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(target.token === undefined ? {} : { authorization: `Bearer ${target.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const detail = typeof cause?.code === 'string' ? cause.code : (error as Error).message;
    throw new CliError('CLI_UNREACHABLE', `cannot reach the registry at ${target.url.origin} (${detail}); is it running? (--url or REGISTRY_URL)`, {
      cause: error,
    });
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed;

  const error = (parsed as RegistryErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? ` ${error.code}` : '';
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 500);
  const details = (error?.problems ?? []).map((problem) => `  ${String(problem.path ?? '') || '(body)'}: ${String(problem.message ?? '')}`);
  if (response.status === 401 || response.status === 403) {
    throw new CliError('CLI_REFUSED', `refused: HTTP ${response.status}${code}: ${message}`, { details });
  }
  throw new CliError('CLI_REQUEST_FAILED', `${method} ${url.pathname} answered HTTP ${response.status}${code}: ${message}`, { details });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
