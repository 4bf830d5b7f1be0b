/** What access control needs to know of one JSON-RPC message. */
export interface JsonRpcMessageView {
  /** The method of a request or notification; undefined for a response the client sends back. */
  method?: string;
  /** The tool name of a `tools/call`. */
  tool?: string;
}

/** What access control needs to know of one HTTP request to an MCP server. */
export interface McpRequestView {
  httpMethod: string;
  /** The JSON-RPC messages of a POST body; null when the request carries none (GET, DELETE). */
  messages: JsonRpcMessageView[] | null;
  batch: boolean;
}
