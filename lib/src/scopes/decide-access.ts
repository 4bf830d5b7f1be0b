import { PROMPT_METHOD, RESOURCE_URI_METHODS, type McpRequestView, type JsonRpcMessageView } from '../jsonrpc/message-view.js';
import { matchingEntries, type CompiledEntry, type CompiledPolicy } from './compile-policy.js';
import { allowanceItems, allowsName, nameAllowance, type NameAllowance } from './name-allowance.js';

/** Methods that only run the session itself; any caller with an entry for the server may send them. */
export const LIFECYCLE_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'notifications/initialized',
  'notifications/cancelled',
  'ping',
]);

/** HTTP methods that carry no JSON-RPC: GET opens an SSE stream, DELETE ends a session. */
const LIFECYCLE_HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);

export type DenyCode =
  | 'AUTHZ_NO_SERVER_ACCESS'
  | 'AUTHZ_METHOD_DENIED'
  | 'AUTHZ_TOOL_DENIED'
  | 'AUTHZ_PROMPT_DENIED'
  | 'AUTHZ_RESOURCE_DENIED'
  | 'AUTHZ_HTTP_METHOD_DENIED';

export type AccessDecision =
  | { allowed: true }
  | { allowed: false; code: DenyCode; reason: string; method?: string; tool?: string; prompt?: string; uri?: string };

/** The two kinds of things a scope entry may list beside tools. */
export type ListedKind = 'prompts' | 'resources';

/** The method whose grant decides which prompts or resources a caller may see in a list. */
const FETCH_METHOD: Readonly<Record<ListedKind, string>> = { prompts: PROMPT_METHOD, resources: 'resources/read' };

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
  if (!entries.some((entry) => entryAllowsMethod(entry, method))) {
    return { allowed: false, code: 'AUTHZ_METHOD_DENIED', reason: `you may not use the method ${method}`, method };
  }
  // prompts/get and resource reads always name their target (an empty name when the request has none);
  // a completion/complete names one when its ref is a prompt or a resource.
  if (message.prompt !== undefined || method === PROMPT_METHOD) {
    const prompt = message.prompt ?? '';
    if (!entries.some((entry) => entryAllowsMethod(entry, method) && entryReaches(entry.prompts, prompt))) {
      return { allowed: false, code: 'AUTHZ_PROMPT_DENIED', reason: `you may not use the prompt ${JSON.stringify(prompt)}`, method, prompt };
    }
  }
  if (message.uri !== undefined || RESOURCE_URI_METHODS.has(method)) {
    const uri = message.uri ?? '';
    if (!entries.some((entry) => entryAllowsMethod(entry, method) && entryReaches(entry.resources, uri))) {
      return { allowed: false, code: 'AUTHZ_RESOURCE_DENIED', reason: `you may not use the resource ${JSON.stringify(uri)}`, method, uri };
    }
  }
  return { allowed: true };
}

/** An entry that lists no prompts (or resources) reaches every one its methods allow. */
function entryReaches(listed: NameAllowance | undefined, name: string): boolean {
  return listed === undefined || allowsName(listed, name);
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

/**
 * The prompts or resources a caller may see in prompts/list, resources/list and
 * resources/templates/list answers on a server: `*` when no matching entry lists them (the lists are
 * then not filtered), else those prompts/get or resources/read would allow.
 */
export function allowedNames(policy: CompiledPolicy, scopes: readonly string[], serverPath: string, kind: ListedKind): NameAllowance {
  const entries = matchingEntries(policy, scopes, serverPath);
  if (!entries.some((entry) => entry[kind] !== undefined)) return '*';
  const items: string[] = [];
  for (const entry of entries) {
    if (!entryAllowsMethod(entry, FETCH_METHOD[kind])) continue;
    const listed = entry[kind];
    if (listed === undefined || listed === '*') return '*';
    items.push(...allowanceItems(listed));
  }
  return nameAllowance(items);
}
