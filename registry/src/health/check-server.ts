import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { listCapabilities, type ListedCapabilities } from '../discovery/list-capabilities.js';
import type { HealthStatus } from '../store/health-repository.js';
import type { StoredServer } from '../store/server-repository.js';
import { guardedFetch } from './guarded-fetch.js';
import { upstreamEndpoint } from './upstream-url.js';

export interface CheckOptions {
  /** The whole check (connect, initialize, ping, listing) must finish within this. */
  timeoutMs: number;
  /** Headers sent upstream with every request (an upstream credential). */
  headers: Record<string, string>;
  /** List tools, prompts and resources in the same session. */
  discover: boolean;
  allowLinkLocal: boolean;
  /** Ends the check at once (the registry is closing). */
  signal?: AbortSignal;
}

export interface CheckOutcome {
  status: Exclude<HealthStatus, 'unknown'>;
  reason: string | null;
  latencyMs: number | null;
  /** Present when discovery was asked for and the check passed. */
  capabilities?: ListedCapabilities;
  /** Why listing failed, when the server answered ping but not its lists (it stays healthy). */
  discoveryError?: string;
}

const CLIENT_INFO = { name: 'mcpgw-registry-health', version: '1.0.0' };
/** Sent with every request of a check, so that upstreams (and their logs) can tell checks from traffic. */
export const HEALTH_CHECK_USER_AGENT = `${CLIENT_INFO.name}/${CLIENT_INFO.version}`;
const REASON_LIMIT = 300;

/**
 * Connects to a server with the MCP SDK client (Streamable HTTP, or legacy SSE for servers that only
 * speak it), initializes, pings, optionally lists what it offers, and ends the session (DELETE).
 * Never throws: any failure is the outcome's status and reason.
 */
export async function checkServer(server: StoredServer, options: CheckOptions): Promise<CheckOutcome> {
  const endpoint = upstreamEndpoint(server);
  const url = new URL(endpoint.url);
  const headers = { 'user-agent': HEALTH_CHECK_USER_AGENT, ...options.headers };
  const transportOptions = { requestInit: { headers }, fetch: guardedFetch(options.allowLinkLocal) };
  const transport = endpoint.transport === 'sse' ? new SSEClientTransport(url, transportOptions) : new StreamableHTTPClientTransport(url, transportOptions);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    options.signal?.addEventListener('abort', () => reject(new Error('the check was cancelled')), { once: true });
  });
  const started = performance.now();
  try {
    const work = (async (): Promise<CheckOutcome> => {
      await client.connect(transport, { timeout: options.timeoutMs });
      await client.ping({ timeout: options.timeoutMs });
      const latencyMs = Math.round(performance.now() - started);
      const healthy: CheckOutcome = { status: 'healthy', reason: null, latencyMs };
      if (!options.discover) return healthy;
      try {
        return { ...healthy, capabilities: await listCapabilities(client, options.timeoutMs) };
      } catch (error) {
        return { ...healthy, discoveryError: shortened(error) };
      }
    })();
    return await Promise.race([work, timedOut]);
  } catch (error) {
    return failureOf(error);
  } finally {
    clearTimeout(timer);
    await endSession(client, transport);
  }
}

async function endSession(client: Client, transport: StreamableHTTPClientTransport | SSEClientTransport): Promise<void> {
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
    await transport.terminateSession().catch(() => undefined);
  }
  await client.close().catch(() => undefined);
}

function failureOf(error: unknown): CheckOutcome {
  const status = (error as { code?: unknown }).code;
  const reason = shortened(error);
  if (status === 401 || status === 403) {
    return { status: 'auth-expired', reason: `the upstream refused the registry's credentials (HTTP ${status}): ${reason}`, latencyMs: null };
  }
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return { status: 'unhealthy', reason: cause === undefined ? reason : `${reason} (${cause})`, latencyMs: null };
}

function shortened(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > REASON_LIMIT ? `${message.slice(0, REASON_LIMIT)}…` : message;
}
