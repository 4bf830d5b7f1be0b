import { LIST_METHODS, type ListAllowances, type ListFilterForId } from './filter-list-answers.js';

/** The list allowances of one long-lived event stream, by JSON-RPC id. */
export interface StreamToolFilter {
  /** Records what the answer to list request `id` may show when it comes over this stream. */
  allow(id: unknown, allowances: ListAllowances): void;
  /**
   * The allowances of a response on this stream: what its list request was granted, or nothing at
   * all for a list nobody here asked for.
   */
  allowanceFor: ListFilterForId;
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
const SHOW_NOTHING: ListAllowances = Object.fromEntries(LIST_METHODS.map((method) => [method, () => false]));

/**
 * The legacy SSE transport answers a POSTed tools/list (or prompts/list, resources/list,
 * resources/templates/list) on the GET event stream, not on the POST. The POST records its
 * allowances here under the stream's endpoint and the stream applies them; a list that arrives on a
 * stream without one shows nothing.
 */
export function createStreamToolFilters(): StreamToolFilters {
  const byEndpoint = new Map<string, StreamToolFilter>();
  return {
    open() {
      const pending = new Map<unknown, ListAllowances>();
      const filter: StreamToolFilter = {
        allow(id, allowances) {
          if (pending.size >= MAX_PENDING_PER_STREAM) pending.delete(pending.keys().next().value);
          pending.set(id, { ...pending.get(id), ...allowances });
        },
        allowanceFor(id) {
          const allowances = pending.get(id);
          pending.delete(id);
          return allowances ?? SHOW_NOTHING;
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
