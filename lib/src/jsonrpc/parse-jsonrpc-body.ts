import type { JsonRpcMessageView } from './message-view.js';
import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR, type JsonRpcId } from './jsonrpc-errors.js';

export type ParsedJsonRpcBody =
  | { ok: true; batch: boolean; messages: JsonRpcMessageView[]; ids: JsonRpcId[] }
  | { ok: false; code: number; message: string; id: JsonRpcId };

/**
 * Reads just enough of a JSON-RPC body (one message or a batch) for routing and access control:
 * each message's method, the tool of a `tools/call`, and the ids. The bytes themselves are not changed.
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
    return { method: message.method };
  }
  if ('result' in message || 'error' in message) return {};
  return 'a message needs "method" (request or notification) or "result"/"error" (response)';
}
