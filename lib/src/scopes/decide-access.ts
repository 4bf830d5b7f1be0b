import type { McpRequestView, JsonRpcMessageView } from '../jsonrpc/message-view.js';
import { matchingEntries, type CompiledEntry, type CompiledPolicy } from './compile-policy.js';

/** Methods that only run the session itself; any caller with an entry for the server may send them. */
export const LIFECYCLE_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'notifications/initialized',
  'notifications/cancelled',
  'ping',
]);

/** HTTP methods that carry no JSON-RPC: GET opens an SSE stream, DELETE ends a session. */
const LIFECYCLE_HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);

export type DenyCode = 'AUTHZ_NO_SERVER_ACCESS' | 'AUTHZ_METHOD_DENIED' | 'AUTHZ_TOOL_DENIED' | 'AUTHZ_HTTP_METHOD_DENIED';

export type AccessDecision =
  | { allowed: true }
  | { allowed: false; code: DenyCode; reason: string; method?: string; tool?: string };

/** The fine-grained decision of DESIGN 3.3 for one request to one server. */
export function decideAccess(
  policy: CompiledPolicy,
  scopes: readonly string[],
  serverPath: string,
  request: McpRequestView,
): AccessDecision {
  const entries = matchingEntries(policy, scopes, serverPath);
  if (entries.length === 0) {
    return { allowed: false, code: 'AUTHZ_NO_SERVER_ACCESS', reason: `no scope of yours grants access to ${serverPath}` };
  }
  if (request.messages === null) {
    if (LIFECYCLE_HTTP_METHODS.has(request.httpMethod.toUpperCase())) return { allowed: true };
    return {
      allowed: false,
      code: 'AUTHZ_HTTP_METHOD_DENIED',
      reason: `${request.httpMethod} without a JSON-RPC body is not allowed`,
    };
  }
  for (const message of request.messages) {
    const decision = decideMessage(entries, message);
    if (!decision.allowed) return decision;
  }
  return { allowed: true };
}

function decideMessage(entries: readonly CompiledEntry[], message: JsonRpcMessageView): AccessDecision {
  const { method, tool } = message;
  if (method === undefined) return { allowed: true }; // the client's answer to a server request
  if (LIFECYCLE_METHODS.has(method)) return { allowed: true };
  if (method === 'tools/call') {
    if (tool !== undefined && entries.some((entry) => entryAllowsTool(entry, tool))) return { allowed: true };
    return { allowed: false, code: 'AUTHZ_TOOL_DENIED', reason: `you may not call the tool ${JSON.stringify(tool)}`, method, tool: tool ?? '' };
  }
  if (entries.some((entry) => entryAllowsMethod(entry, method))) return { allowed: true };
  return { allowed: false, code: 'AUTHZ_METHOD_DENIED', reason: `you may not use the method ${method}`, method };
}

function entryAllowsTool(entry: CompiledEntry, tool: string): boolean {
  return entry.allTools || entry.tools.has(tool);
}

function entryAllowsMethod(entry: CompiledEntry, method: string): boolean {
  if (entry.allMethods || entry.methods.has(method)) return true;
  return entry.methodPrefixes.some((prefix) => method.startsWith(prefix));
}

/** The tools a caller may call on a server: `*` for every tool, else the names. Used to filter tools/list. */
export function allowedTools(policy: CompiledPolicy, scopes: readonly string[], serverPath: string): '*' | Set<string> {
  const names = new Set<string>();
  for (const entry of matchingEntries(policy, scopes, serverPath)) {
    if (entry.allTools) return '*';
    for (const tool of entry.tools) names.add(tool);
  }
  return names;
}
