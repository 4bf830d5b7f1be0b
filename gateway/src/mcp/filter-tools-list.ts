/** The tools a caller may see in a tools/list answer: all of them, or these names. */
export type ToolAllowance = '*' | ReadonlySet<string>;

/** The allowance for the response with this id, or undefined to leave that response alone. */
export type AllowanceForId = (id: unknown) => ToolAllowance | undefined;

/**
 * Rewrites the JSON-RPC responses in `text` (one message or a batch) whose `result.tools` is a list,
 * keeping only the tools their allowance names. Returns the new JSON text, or undefined when nothing
 * was changed (no such response, or not JSON), in which case the original bytes pass unchanged.
 */
export function filterToolsList(text: string, allowanceFor: AllowanceForId): string | undefined {
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
    if (typeof result !== 'object' || result === null || !Array.isArray((result as { tools?: unknown }).tools)) continue;
    const allowance = allowanceFor((message as { id?: unknown }).id);
    if (allowance === undefined || allowance === '*') continue;
    const listed = result as { tools: unknown[] };
    listed.tools = listed.tools.filter((tool) => {
      const name = (tool as { name?: unknown } | null)?.name;
      return typeof name === 'string' && allowance.has(name);
    });
    changed = true;
  }
  return changed ? JSON.stringify(document) : undefined;
}
