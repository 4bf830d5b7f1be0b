import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { CliError } from '../cli-error.js';

export interface McpConnection {
  client: Client;
  /** Runs an operation, turning HTTP refusals, network failures and JSON-RPC errors into CliErrors. */
  run<T>(operation: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Refusal {
  status: number;
  statusText: string;
  reason: string;
}

const CLIENT_INFO = { name: 'mcpgw-cli', version: '0.1.0' };

/** Connects the SDK client over Streamable HTTP, sending the token (if any) as a bearer token. */
export async function connectMcpClient(url: URL, token: string | undefined): Promise<McpConnection> {
  let refusal: Refusal | undefined;
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if ((response.status === 401 || response.status === 403) && (init?.method ?? 'GET') === 'POST') {
      refusal = { status: response.status, statusText: response.statusText, reason: await reasonOf(response.clone()) };
    }
    return response;
  };
  const transport = new StreamableHTTPClientTransport(url, {
    fetch: recordingFetch,
    ...(token !== undefined ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {}),
  });
  const client = new Client(CLIENT_INFO);

  const run = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw toCliError(error, url, refusal);
    }
  };
  await run(() => client.connect(transport));
  return {
    client,
    run,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

function toCliError(error: unknown, url: URL, refusal: Refusal | undefined): CliError {
  if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
    const status = refusal?.status ?? error.code;
    const reason = refusal?.reason || error.message;
    return new CliError('CLI_REFUSED', `refused: HTTP ${status}${refusal?.statusText ? ` ${refusal.statusText}` : ''}: ${reason}`, {
      cause: error,
    });
  }
  if (error instanceof StreamableHTTPError) {
    return new CliError('CLI_REQUEST_FAILED', `${url.href} answered HTTP ${error.code}: ${error.message}`, { cause: error });
  }
  if (error instanceof McpError) {
    return new CliError('CLI_RPC_ERROR', `the server answered JSON-RPC error ${error.code}: ${error.message}`, { cause: error });
  }
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (error instanceof TypeError && cause !== undefined) {
    const detail = typeof cause.code === 'string' ? cause.code : String(cause);
    return new CliError('CLI_UNREACHABLE', `cannot reach ${url.href} (${detail}); is the server running?`, { cause: error });
  }
  if (error instanceof CliError) return error;
  return new CliError('CLI_REQUEST_FAILED', `request to ${url.href} failed: ${(error as Error).message}`, { cause: error });
}

/** The reason a refusal gives: a JSON-RPC error message, a JSON reason, a WWW-Authenticate description, or the text. */
async function reasonOf(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = body.error as Record<string, unknown> | string | undefined;
    const candidates = [
      typeof error === 'object' && error !== null ? error.message : error,
      body.reason,
      body.message,
      body.detail,
    ];
    const found = candidates.find((value): value is string => typeof value === 'string' && value !== '');
    if (found) return found;
  } catch {
    // not JSON: fall through to the header and the raw text
  }
  const challenge = response.headers.get('www-authenticate');
  const description = challenge ? /error_description="((?:[^"\\]|\\.)*)"/.exec(challenge)?.[1] : undefined;
  return description ?? text.slice(0, 500);
}
