import { COMPLETION_METHOD, PROMPT_METHOD, RESOURCE_URI_METHODS, type JsonRpcMessageView, type McpRequestView } from '../jsonrpc/message-view.js';
import { allowanceItems, nameAllowance, NO_NAMES, type NameAllowance } from '../scopes/name-allowance.js';

/**
 * The gateway -> auth-server check (DESIGN 3.2). This module owns the header names and their
 * encoding in both directions; nothing else spells them.
 */
export const CHECK_PATH = '/validate';
/**
 * Who is calling, without deciding any access: 200 with the identity headers, or 401. The gateway asks
 * it at the door of its virtual MCP server, whose every call to a member server is then checked at
 * CHECK_PATH like any other.
 */
export const AUTHENTICATE_PATH = '/authenticate';

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
  /** The prompt of a single prompts/get. */
  mcpPrompt: 'x-mcp-prompt',
  /** Every message's prompt, aligned with x-mcp-methods; sent when a message names one (prompts/get, a completion). */
  mcpPrompts: 'x-mcp-prompts',
  /** The resource URI of a single resources/read, resources/subscribe or resource completion. */
  mcpResource: 'x-mcp-resource',
  /** Every message's resource URI, aligned with x-mcp-methods; sent when a message names one. */
  mcpResources: 'x-mcp-resources',
  /** The JSON-RPC body, base64, as the nginx data plane may send it instead of the headers above. */
  body: 'x-body',
} as const;

/** The largest request body a data plane may send base64 in X-Body. */
export const CHECK_BODY_MAX_BYTES = 1024 * 1024;
/** Header room the auth-server allows a check request: X-Body at its largest, plus the other headers. */
export const CHECK_MAX_HEADER_BYTES = Math.ceil((CHECK_BODY_MAX_BYTES * 4) / 3) + 64 * 1024;

/** Identity headers the auth-server answers with and the gateway sets upstream. */
export const IDENTITY_HEADERS = {
  user: 'x-user',
  username: 'x-username',
  clientId: 'x-client-id',
  scopes: 'x-scopes',
  authMethod: 'x-auth-method',
  groups: 'x-groups',
} as const;

/**
 * Set by the gateway on every upstream request: an HMAC over the identity headers and the route,
 * so that an upstream holding the key (the registry's own MCP server) can tell identity headers the
 * gateway set from ones a client sent it directly. See identity-attestation.ts.
 */
export const IDENTITY_ATTESTATION_HEADER = 'x-gateway-identity';

/** For tools/list: the tools the caller may call (`*`, or percent-encoded names, comma-separated). */
export const ALLOWED_TOOLS_HEADER = 'x-allowed-tools';
/** For prompts/list: the prompts the caller may get (`*`, or percent-encoded names and `prefix*` items). */
export const ALLOWED_PROMPTS_HEADER = 'x-allowed-prompts';
/** For resources/list and resources/templates/list: the resource URIs the caller may read, encoded likewise. */
export const ALLOWED_RESOURCES_HEADER = 'x-allowed-resources';

/** The caller's rate limit across servers, from its groups in scopes.yml (`<requests>/<per_seconds>[/<burst>]`). */
export const RATE_LIMIT_HEADER = 'x-rate-limit';

/**
 * Every header name a client must never be able to set on its way upstream: the identity headers and
 * the check's own. Compared after normalising (lower case, `_` as `-`).
 */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(IDENTITY_HEADERS),
  IDENTITY_ATTESTATION_HEADER,
  ALLOWED_TOOLS_HEADER,
  ALLOWED_PROMPTS_HEADER,
  ALLOWED_RESOURCES_HEADER,
  RATE_LIMIT_HEADER,
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
  if (messages.some((m) => m.prompt !== undefined)) headers[CHECK_REQUEST_HEADERS.mcpPrompts] = encodeList(messages.map((m) => m.prompt ?? ''));
  if (messages.some((m) => m.uri !== undefined)) headers[CHECK_REQUEST_HEADERS.mcpResources] = encodeList(messages.map((m) => m.uri ?? ''));
  const first = messages[0];
  if (batch) headers[CHECK_REQUEST_HEADERS.mcpMethod] = 'batch';
  else if (first?.method !== undefined) {
    headers[CHECK_REQUEST_HEADERS.mcpMethod] = encodeURIComponent(first.method);
    if (first.tool !== undefined) headers[CHECK_REQUEST_HEADERS.mcpTool] = encodeURIComponent(first.tool);
    if (first.prompt !== undefined) headers[CHECK_REQUEST_HEADERS.mcpPrompt] = encodeURIComponent(first.prompt);
    if (first.uri !== undefined) headers[CHECK_REQUEST_HEADERS.mcpResource] = encodeURIComponent(first.uri);
  }
  return headers;
}

/**
 * The messages described by check headers, or null when the headers describe none. `X-MCP-Methods`
 * wins; a lone `X-MCP-Method` (with `X-MCP-Tool`, `X-MCP-Prompt` or `X-MCP-Resource`) is accepted
 * from simpler callers. A tools/call, prompts/get or resource read whose name is missing gets an
 * empty one, which only a wildcard grant allows.
 */
export function decodeMessageHeaders(get: (name: string) => string | undefined): { messages: JsonRpcMessageView[]; batch: boolean } | null {
  const methods = get(CHECK_REQUEST_HEADERS.mcpMethods);
  if (methods !== undefined) {
    const names = methods.split(',').map(safeDecode);
    const aligned = (header: string) => (get(header) ?? '').split(',').map(safeDecode);
    const tools = aligned(CHECK_REQUEST_HEADERS.mcpTools);
    const prompts = aligned(CHECK_REQUEST_HEADERS.mcpPrompts);
    const uris = aligned(CHECK_REQUEST_HEADERS.mcpResources);
    const messages = names.map((method, index) =>
      method === '' ? {} : messageView(method, { tool: tools[index], prompt: prompts[index], uri: uris[index] }),
    );
    return { messages, batch: get(CHECK_REQUEST_HEADERS.mcpMethod) === 'batch' || messages.length > 1 };
  }
  const method = get(CHECK_REQUEST_HEADERS.mcpMethod);
  if (method === undefined || method === '' || method === 'batch') return null;
  const single = (header: string) => {
    const value = get(header);
    return value === undefined ? undefined : safeDecode(value);
  };
  const message = messageView(safeDecode(method), {
    tool: single(CHECK_REQUEST_HEADERS.mcpTool),
    prompt: single(CHECK_REQUEST_HEADERS.mcpPrompt),
    uri: single(CHECK_REQUEST_HEADERS.mcpResource),
  });
  return { messages: [message], batch: false };
}

function messageView(method: string, names: { tool: string | undefined; prompt: string | undefined; uri: string | undefined }): JsonRpcMessageView {
  if (method === 'tools/call') return { method, tool: names.tool ?? '' };
  if (method === PROMPT_METHOD) return { method, prompt: names.prompt ?? '' };
  if (RESOURCE_URI_METHODS.has(method)) return { method, uri: names.uri ?? '' };
  if (method === COMPLETION_METHOD) {
    if (names.prompt) return { method, prompt: names.prompt };
    if (names.uri) return { method, uri: names.uri };
  }
  return { method };
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

/** The X-Allowed-Prompts / X-Allowed-Resources value of an allowance. */
export function encodeAllowedNames(allowance: NameAllowance): string {
  return allowance === '*' ? '*' : encodeList(allowanceItems(allowance));
}

/** The allowance an X-Allowed-Prompts / X-Allowed-Resources value describes; a missing header allows nothing. */
export function decodeAllowedNames(header: string | undefined): NameAllowance {
  if (header === undefined) return NO_NAMES;
  if (header === '*') return '*';
  return nameAllowance(header.split(',').filter(Boolean).map(safeDecode));
}

export type { McpRequestView };
