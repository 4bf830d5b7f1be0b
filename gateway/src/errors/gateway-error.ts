import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR, JSONRPC_SERVER_ERROR } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';

/** Every error the gateway answers with itself: its HTTP status and the JSON-RPC code it carries. */
export const GATEWAY_ERRORS = {
  GW_BAD_PATH: { status: 400, rpc: JSONRPC_SERVER_ERROR },
  GW_PARSE_ERROR: { status: 400, rpc: JSONRPC_PARSE_ERROR },
  GW_INVALID_REQUEST: { status: 400, rpc: JSONRPC_INVALID_REQUEST },
  GW_REQUEST_ABORTED: { status: 400, rpc: JSONRPC_SERVER_ERROR },
  GW_UPGRADE_UNSUPPORTED: { status: 400, rpc: JSONRPC_SERVER_ERROR },
  GW_MALFORMED_REQUEST: { status: 400, rpc: JSONRPC_SERVER_ERROR },
  GW_UNAUTHENTICATED: { status: 401, rpc: JSONRPC_SERVER_ERROR },
  GW_FORBIDDEN: { status: 403, rpc: JSONRPC_SERVER_ERROR },
  GW_SESSION_FORBIDDEN: { status: 403, rpc: JSONRPC_SERVER_ERROR },
  GW_ORIGIN_FORBIDDEN: { status: 403, rpc: JSONRPC_SERVER_ERROR },
  GW_ROUTE_NOT_FOUND: { status: 404, rpc: JSONRPC_SERVER_ERROR },
  GW_SESSION_NOT_FOUND: { status: 404, rpc: JSONRPC_SERVER_ERROR },
  GW_SESSION_UNKNOWN: { status: 404, rpc: JSONRPC_SERVER_ERROR },
  GW_METHOD_NOT_ALLOWED: { status: 405, rpc: JSONRPC_SERVER_ERROR },
  GW_BODY_TIMEOUT: { status: 408, rpc: JSONRPC_SERVER_ERROR },
  GW_BODY_TOO_LARGE: { status: 413, rpc: JSONRPC_SERVER_ERROR },
  GW_RATE_LIMITED: { status: 429, rpc: JSONRPC_SERVER_ERROR },
  GW_INTERNAL: { status: 500, rpc: JSONRPC_SERVER_ERROR },
  GW_UPSTREAM_UNREACHABLE: { status: 502, rpc: JSONRPC_SERVER_ERROR },
  GW_UPSTREAM_BAD_RESPONSE: { status: 502, rpc: JSONRPC_SERVER_ERROR },
  GW_ROUTES_UNAVAILABLE: { status: 503, rpc: JSONRPC_SERVER_ERROR },
  GW_SERVER_DISABLED: { status: 503, rpc: JSONRPC_SERVER_ERROR },
  GW_AUTH_UNAVAILABLE: { status: 503, rpc: JSONRPC_SERVER_ERROR },
  GW_VIRTUAL_SESSIONS_FULL: { status: 503, rpc: JSONRPC_SERVER_ERROR },
  GW_RATE_LIMIT_UNAVAILABLE: { status: 503, rpc: JSONRPC_SERVER_ERROR },
  GW_NO_HEALTHY_UPSTREAM: { status: 503, rpc: JSONRPC_SERVER_ERROR },
  GW_UPSTREAM_TIMEOUT: { status: 504, rpc: JSONRPC_SERVER_ERROR },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export interface GatewayErrorOptions {
  cause?: unknown;
  /** Structured fields returned to the caller beside the code (never secrets). */
  data?: Record<string, unknown>;
  /** Response headers the answer must carry, such as WWW-Authenticate. */
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly rpcCode: number;
  readonly data: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = GATEWAY_ERRORS[code].status;
    this.rpcCode = GATEWAY_ERRORS[code].rpc;
    this.data = options.data;
    this.headers = options.headers;
  }
}
