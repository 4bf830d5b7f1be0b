import type { JsonRpcMessageView, McpRequestView } from '../jsonrpc/message-view.js';

/**
 * The gateway -> auth-server check (DESIGN 3.2). This module owns the header names and their
 * encoding in both directions; nothing else spells them.
 */
export const CHECK_PATH = '/validate';

export const CHECK_REQUEST_HEADERS = {
  originalUrl: 'x-original-url',
  originalMethod: 'x-original-method',
  serverPath: 'x-server-path',
  /** The method of a single message, or `batch`. */
  mcpMethod: 'x-mcp-method',
  /** The tool of a single tools/call. */
  mcpTool: 'x-mcp-tool',
  /** Every message's method, comma-separated and percent-encoded; an empty item is a response. */
  mcpMethods: 'x-mcp-methods',
  /** Every message's tool, aligned with x-mcp-methods (empty where the message is no tools/call). */
  mcpTools: 'x-mcp-tools',
  /** The JSON-RPC body, base64, as the nginx data plane may send it instead of the headers above. */
  body: 'x-body',
} as const;

/** Identity headers the auth-server answers with and the gateway sets upstream. */
export const IDENTITY_HEADERS = {
  user: 'x-user',
  username: 'x-username',
  clientId: 'x-client-id',
  scopes: 'x-scopes',
  authMethod: 'x-auth-method',
  groups: 'x-groups',
} as const;

/** For tools/list: the tools the caller may call (`*`, or percent-encoded names, comma-separated). */
export const ALLOWED_TOOLS_HEADER = 'x-allowed-tools';

/**
 * Every header name a client must never be able to set on its way upstream: the identity headers and
 * the check's own. Compared after normalising (lower case, `_` as `-`).
 */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(IDENTITY_HEADERS),
  ALLOWED_TOOLS_HEADER,
  ...Object.values(CHECK_REQUEST_HEADERS),
  'x-user-id',
  'x-email',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-preferred-username',
  'x-auth-request-access-token',
]);

export function normaliseHeaderName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

const encodeList = (items: readonly string[]): string => items.map(encodeURIComponent).join(',');

/** Headers describing the JSON-RPC messages of a request, for the check call. */
export function encodeMessageHeaders(messages: readonly JsonRpcMessageView[], batch: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    [CHECK_REQUEST_HEADERS.mcpMethods]: encodeList(messages.map((m) => m.method ?? '')),
    [CHECK_REQUEST_HEADERS.mcpTools]: encodeList(messages.map((m) => m.tool ?? '')),
  };
  const first = messages[0];
  if (batch) headers[CHECK_REQUEST_HEADERS.mcpMethod] = 'batch';
  else if (first?.method !== undefined) {
    headers[CHECK_REQUEST_HEADERS.mcpMethod] = encodeURIComponent(first.method);
    if (first.tool !== undefined) headers[CHECK_REQUEST_HEADERS.mcpTool] = encodeURIComponent(first.tool);
  }
  return headers;
}

/**
 * The messages described by check headers, or null when the headers describe none. `X-MCP-Methods`
 * wins; a lone `X-MCP-Method` (with `X-MCP-Tool`) is accepted from simpler callers.
 */
export function decodeMessageHeaders(get: (name: string) => string | undefined): { messages: JsonRpcMessageView[]; batch: boolean } | null {
  const methods = get(CHECK_REQUEST_HEADERS.mcpMethods);
  if (methods !== undefined) {
    const names = methods.split(',').map(safeDecode);
    const tools = (get(CHECK_REQUEST_HEADERS.mcpTools) ?? '').split(',').map(safeDecode);
    const messages = names.map((method, index): JsonRpcMessageView => {
      if (method === '') return {};
      const tool = tools[index];
      return method === 'tools/call' ? { method, tool: tool ?? '' } : { method };
    });
    return { messages, batch: get(CHECK_REQUEST_HEADERS.mcpMethod) === 'batch' || messages.length > 1 };
  }
  const method = get(CHECK_REQUEST_HEADERS.mcpMethod);
  if (method === undefined || method === '' || method === 'batch') return null;
  const decoded = safeDecode(method);
  if (decoded === 'tools/call') return { messages: [{ method: decoded, tool: safeDecode(get(CHECK_REQUEST_HEADERS.mcpTool) ?? '') }], batch: false };
  return { messages: [{ method: decoded }], batch: false };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function encodeAllowedTools(tools: '*' | ReadonlySet<string>): string {
  return tools === '*' ? '*' : encodeList([...tools]);
}

export function decodeAllowedTools(header: string | undefined): '*' | Set<string> {
  if (header === undefined) return new Set();
  if (header === '*') return '*';
  return new Set(header.split(',').filter(Boolean).map(safeDecode));
}

export type { McpRequestView };
