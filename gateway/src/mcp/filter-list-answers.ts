/** The MCP methods whose answers list things a caller may be shown only in part. */
export type ListMethod = 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list';

/** Where each list sits in a result, and the member of each item it is filtered by. */
const LIST_RESULTS: Readonly<Record<ListMethod, { list: string; key: string }>> = {
  'tools/list': { list: 'tools', key: 'name' },
  'prompts/list': { list: 'prompts', key: 'name' },
  'resources/list': { list: 'resources', key: 'uri' },
  'resources/templates/list': { list: 'resourceTemplates', key: 'uriTemplate' },
};

export const LIST_METHODS = Object.keys(LIST_RESULTS) as ListMethod[];

/** What a list answer may show: everything, or the items whose name (or URI) passes the test. */
export type ListAllowance = '*' | ((name: string) => boolean);

/** For one request id: what the answers of each list method may show. */
export type ListAllowances = Partial<Record<ListMethod, ListAllowance>>;

/** The allowances for the response with this id, or undefined to leave that response alone. */
export type ListFilterForId = (id: unknown) => ListAllowances | undefined;

/**
 * Rewrites the JSON-RPC responses in `text` (one message or a batch) that carry a list their
 * allowances restrict, keeping only the items allowed; every other member (`nextCursor` included)
 * stays. Returns the new JSON text, or undefined when nothing was changed (no such response, or
 * not JSON), in which case the original bytes pass unchanged.
 */
export function filterListAnswers(text: string, filterFor: ListFilterForId): string | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  let changed = false;
  for (const message of Array.isArray(document) ? document : [document]) {
    if (typeof message !== 'object' || message === null) continue;
    const result = (message as { result?: unknown }).result;
    if (typeof result !== 'object' || result === null) continue;
    const allowances = filterFor((message as { id?: unknown }).id);
    if (allowances === undefined) continue;
    for (const method of LIST_METHODS) {
      const allowance = allowances[method];
      if (allowance === undefined || allowance === '*') continue;
      const { list, key } = LIST_RESULTS[method];
      const holder = result as Record<string, unknown>;
      const items = holder[list];
      if (!Array.isArray(items)) continue;
      holder[list] = items.filter((item: unknown) => {
        const name = (item as Record<string, unknown> | null)?.[key];
        return typeof name === 'string' && allowance(name);
      });
      changed = true;
    }
  }
  return changed ? JSON.stringify(document) : undefined;
}
