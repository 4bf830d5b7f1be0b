import { COMPLETION_METHOD, PROMPT_METHOD, RESOURCE_URI_METHODS, type JsonRpcMessageView } from './message-view.js';
import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR, type JsonRpcId } from './jsonrpc-errors.js';

export type ParsedJsonRpcBody =
  | { ok: true; batch: boolean; messages: JsonRpcMessageView[]; ids: JsonRpcId[] }
  | { ok: false; code: number; message: string; id: JsonRpcId };

/**
 * Reads just enough of a JSON-RPC body (one message or a batch) for routing and access control:
 * each message's method, the tool of a `tools/call`, the prompt of a `prompts/get`, the URI of a
 * `resources/read` or `resources/subscribe`, the prompt or resource a `completion/complete` is about,
 * and the ids. The bytes themselves are not changed.
 */
export function parseJsonRpcBody(body: Buffer | string): ParsedJsonRpcBody {
  let document: unknown;
  try {
    document = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return { ok: false, code: JSONRPC_PARSE_ERROR, message: 'Parse error: the body is not valid JSON', id: null };
  }
  const batch = Array.isArray(document);
  const items: unknown[] = batch ? (document as unknown[]) : [document];
  if (items.length === 0) {
    return { ok: false, code: JSONRPC_INVALID_REQUEST, message: 'Invalid Request: empty batch', id: null };
  }
  const messages: JsonRpcMessageView[] = [];
  const ids: JsonRpcId[] = [];
  for (const item of items) {
    const view = viewOf(item);
    if (typeof view === 'string') {
      return { ok: false, code: JSONRPC_INVALID_REQUEST, message: `Invalid Request: ${view}`, id: batch ? null : idOf(item) };
    }
    messages.push(view);
    ids.push(idOf(item));
  }
  return { ok: true, batch, messages, ids };
}

function idOf(item: unknown): JsonRpcId {
  if (typeof item !== 'object' || item === null) return null;
  const id = (item as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Returns the view of one message, or a string saying why it is not a JSON-RPC 2.0 message. */
function viewOf(item: unknown): JsonRpcMessageView | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'each message must be a JSON object';
  const message = item as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return 'the "jsonrpc" member must be "2.0"';
  if ('method' in message) {
    if (typeof message.method !== 'string' || message.method === '') return '"method" must be a non-empty string';
    if (message.method === 'tools/call') {
      const params = message.params as { name?: unknown } | undefined;
      if (typeof params !== 'object' || params === null || typeof params.name !== 'string') {
        return 'tools/call needs params.name, the tool to call';
      }
      return { method: message.method, tool: params.name };
    }
    // A missing or malformed name is left for the upstream to refuse; an empty name matches no listed prompt or URI.
    if (message.method === PROMPT_METHOD) return { method: message.method, prompt: stringParam(message.params, 'name') };
    if (RESOURCE_URI_METHODS.has(message.method)) return { method: message.method, uri: stringParam(message.params, 'uri') };
    if (message.method === COMPLETION_METHOD) return { method: message.method, ...completionTarget(message.params) };
    return { method: message.method };
  }
  if ('result' in message || 'error' in message) return {};
  return 'a message needs "method" (request or notification) or "result"/"error" (response)';
}

/** The prompt or resource a completion request is about, when its ref names one (a completion naming none is method-level only). */
function completionTarget(params: unknown): { prompt?: string; uri?: string } {
  const ref = typeof params === 'object' && params !== null ? (params as { ref?: unknown }).ref : undefined;
  if (typeof ref !== 'object' || ref === null) return {};
  const { type } = ref as { type?: unknown };
  const prompt = type === 'ref/prompt' ? stringParam(ref, 'name') : '';
  const uri = type === 'ref/resource' ? stringParam(ref, 'uri') : '';
  return prompt !== '' ? { prompt } : uri !== '' ? { uri } : {};
}

function stringParam(params: unknown, name: string): string {
  if (typeof params !== 'object' || params === null) return '';
  const value = (params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}
