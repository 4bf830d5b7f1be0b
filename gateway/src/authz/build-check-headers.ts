import type { IncomingMessage } from 'node:http';
import { CHECK_REQUEST_HEADERS, encodeMessageHeaders } from '@mcpgw/lib/check/check-contract.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import { REQUEST_ID_HEADER } from '../headers/request-id.js';

/** The caller's credentials, passed to the check as they came. */
const CREDENTIAL_HEADERS = ['authorization', 'x-authorization', 'cookie'] as const;

export interface CheckRequestInput {
  /** The full original URL, scheme and host included. */
  originalUrl: string;
  /** The canonical registered path the request was routed to. */
  serverPath: string;
  requestId: string;
  /** The JSON-RPC messages of a POST; undefined for requests without a body. */
  mcp?: { messages: readonly JsonRpcMessageView[]; batch: boolean };
  /** `traceparent` / `tracestate` of the check's span, when tracing is on; never part of a cached decision. */
  traceHeaders?: Record<string, string>;
}

/** The headers of the auth_request call for one request (DESIGN 3.2). */
export function buildCheckHeaders(req: IncomingMessage, input: CheckRequestInput): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {
    accept: 'application/json',
    [CHECK_REQUEST_HEADERS.originalUrl]: input.originalUrl,
    [CHECK_REQUEST_HEADERS.originalMethod]: req.method ?? 'GET',
    [CHECK_REQUEST_HEADERS.serverPath]: input.serverPath,
    [REQUEST_ID_HEADER]: input.requestId,
  };
  for (const name of CREDENTIAL_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  if (input.mcp) Object.assign(headers, encodeMessageHeaders(input.mcp.messages, input.mcp.batch));
  if (input.traceHeaders) Object.assign(headers, input.traceHeaders);
  return headers;
}
