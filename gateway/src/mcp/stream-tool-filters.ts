import type { AllowanceForId, ToolAllowance } from './filter-tools-list.js';

/** The tools/list allowances of one long-lived event stream, by JSON-RPC id. */
export interface StreamToolFilter {
  /** Records what the answer to tools/list request `id` may show when it comes over this stream. */
  allow(id: unknown, allowance: ToolAllowance): void;
  /**
   * The allowance of a response on this stream: what its tools/list request was granted, or nothing
   * at all for a tools list nobody here asked for.
   */
  allowanceFor: AllowanceForId;
}

export interface OpenStreamFilter {
  filter: StreamToolFilter;
  /** Makes the filter findable by the endpoint clients post to (legacy SSE), e.g. `/x/messages?sessionId=1`. */
  bind(endpoint: string): void;
  release(): void;
}

export interface StreamToolFilters {
  open(): OpenStreamFilter;
  /** The filter of the stream whose messages are posted to `endpoint`, if one is open. */
  find(endpoint: string): StreamToolFilter | undefined;
}

const MAX_PENDING_PER_STREAM = 1024;
const NOTHING: ReadonlySet<string> = new Set();

/**
 * The legacy SSE transport answers a POSTed tools/list on the GET event stream, not on the POST.
 * The POST records its allowance here under the stream's endpoint and the stream applies it; a tools
 * list that arrives on a stream without one shows no tools.
 */
export function createStreamToolFilters(): StreamToolFilters {
  const byEndpoint = new Map<string, StreamToolFilter>();
  return {
    open() {
      const pending = new Map<unknown, ToolAllowance>();
      const filter: StreamToolFilter = {
        allow(id, allowance) {
          if (pending.size >= MAX_PENDING_PER_STREAM) pending.delete(pending.keys().next().value);
          pending.set(id, allowance);
        },
        allowanceFor(id) {
          const allowance = pending.get(id);
          pending.delete(id);
          return allowance ?? NOTHING;
        },
      };
      const endpoints: string[] = [];
      return {
        filter,
        bind(endpoint) {
          endpoints.push(endpoint);
          byEndpoint.set(endpoint, filter);
        },
        release() {
          for (const endpoint of endpoints) if (byEndpoint.get(endpoint) === filter) byEndpoint.delete(endpoint);
        },
      };
    },
    find: (endpoint) => byEndpoint.get(endpoint),
  };
}
