import { JSONRPC_PARSE_ERROR, JSONRPC_SERVER_ERROR } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';

/** JSON-RPC code the SDK answers for an unknown session; kept so clients see the same answer. */
export const JSONRPC_SESSION_NOT_FOUND = -32001;

export type ServerErrorCode =
  | 'SRV_NOT_FOUND'
  | 'SRV_SESSION_NOT_FOUND'
  | 'SRV_SESSION_REQUIRED'
  | 'SRV_NOT_INITIALIZE'
  | 'SRV_BAD_JSON'
  | 'SRV_BODY_TOO_LARGE'
  | 'SRV_INTERNAL';

const DETAILS: Record<ServerErrorCode, { status: number; rpcCode: number }> = {
  SRV_NOT_FOUND: { status: 404, rpcCode: JSONRPC_SERVER_ERROR },
  SRV_SESSION_NOT_FOUND: { status: 404, rpcCode: JSONRPC_SESSION_NOT_FOUND },
  SRV_SESSION_REQUIRED: { status: 400, rpcCode: JSONRPC_SERVER_ERROR },
  SRV_NOT_INITIALIZE: { status: 400, rpcCode: JSONRPC_SERVER_ERROR },
  SRV_BAD_JSON: { status: 400, rpcCode: JSONRPC_PARSE_ERROR },
  SRV_BODY_TOO_LARGE: { status: 413, rpcCode: JSONRPC_SERVER_ERROR },
  SRV_INTERNAL: { status: 500, rpcCode: JSONRPC_SERVER_ERROR },
};

/** Every error the example servers' HTTP layer answers with. */
export class ServerError extends Error {
  readonly status: number;
  readonly rpcCode: number;
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = DETAILS[code].status;
    this.rpcCode = DETAILS[code].rpcCode;
  }
}
