/**
 * First path segments the gateway answers itself (its health, metrics, discovery, check and internal
 * endpoints, and the registry API it may front). No server may be registered under them.
 */
export const RESERVED_FIRST_SEGMENTS: ReadonlySet<string> = new Set(['health', 'metrics', '.well-known', 'validate', 'internal', 'api', 'v0', 'v0.1', 'mcp', 'virtual', 'ui', 'oauth2']);

/** The gateway's virtual MCP server: one endpoint offering every tool, prompt and resource the caller may use. */
export const VIRTUAL_MCP_PATH = '/mcp';

/** Whether a canonical server path (e.g. `/api/x`) starts with a reserved segment. */
export function isReservedServerPath(canonicalPath: string): boolean {
  const first = canonicalPath.replace(/^\/+/, '').split('/')[0] ?? '';
  return RESERVED_FIRST_SEGMENTS.has(first);
}
