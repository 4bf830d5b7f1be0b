import type { Request } from 'express';
import { CHECK_REQUEST_HEADERS, decodeMessageHeaders } from '@mcpgw/lib/check/check-contract.js';
import type { McpRequestView } from '@mcpgw/lib/jsonrpc/message-view.js';
import { parseJsonRpcBody } from '@mcpgw/lib/jsonrpc/parse-jsonrpc-body.js';
import { tryCanonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { refuseTokenInQuery } from '@mcpgw/lib/tokens/query-token.js';
import { AuthError } from '../errors/auth-error.js';

export interface CheckRequest {
  serverPath: string;
  originalUrl: string | undefined;
  mcp: McpRequestView;
}

/**
 * Reads what a data plane tells the auth-server about the request it holds: the server path, the
 * HTTP method and the JSON-RPC messages, from the X-MCP-* headers or, failing those, from X-Body.
 */
export function readCheckRequest(request: Request): CheckRequest {
  const get = (name: string): string | undefined => request.get(name) ?? undefined;
  const rawPath = get(CHECK_REQUEST_HEADERS.serverPath);
  const serverPath = rawPath === undefined ? undefined : tryCanonicalServerPath(rawPath);
  if (serverPath === undefined) {
    throw new AuthError('AUTH_CHECK_INVALID', 400, 'X-Server-Path must name the registered server path');
  }
  refuseTokenInQuery(get(CHECK_REQUEST_HEADERS.originalUrl));
  const described = decodeMessageHeaders(get) ?? messagesFromBody(get(CHECK_REQUEST_HEADERS.body));
  const httpMethod = (get(CHECK_REQUEST_HEADERS.originalMethod) ?? (described ? 'POST' : 'GET')).toUpperCase();
  return {
    serverPath,
    originalUrl: get(CHECK_REQUEST_HEADERS.originalUrl),
    mcp: { httpMethod, messages: described?.messages ?? null, batch: described?.batch ?? false },
  };
}

function messagesFromBody(encoded: string | undefined): McpRequestView | null {
  if (encoded === undefined || encoded === '') return null;
  const parsed = parseJsonRpcBody(Buffer.from(encoded, 'base64'));
  if (!parsed.ok) throw new AuthError('AUTH_CHECK_INVALID', 400, `X-Body is not a JSON-RPC message: ${parsed.message}`);
  return { httpMethod: 'POST', messages: parsed.messages, batch: parsed.batch };
}
