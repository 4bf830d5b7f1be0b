/** What access control needs to know of one JSON-RPC message. */
export interface JsonRpcMessageView {
  /** The method of a request or notification; undefined for a response the client sends back. */
  method?: string;
  /** The tool name of a `tools/call`. */
  tool?: string;
  /** The prompt name of a `prompts/get` (empty when the request names none), or of a completion's `ref/prompt`. */
  prompt?: string;
  /**
   * The resource URI of a `resources/read` or `resources/subscribe` (empty when the request names none),
   * or the URI (template) of a completion's `ref/resource`.
   */
  uri?: string;
}

/** The method whose messages carry a prompt name in `params.name`. */
export const PROMPT_METHOD = 'prompts/get';

/** Methods whose messages carry a resource URI in `params.uri`, checked against the resources a caller may read. */
export const RESOURCE_URI_METHODS: ReadonlySet<string> = new Set(['resources/read', 'resources/subscribe']);

/** The method whose `params.ref` names a prompt (`ref/prompt`) or a resource (`ref/resource`). */
export const COMPLETION_METHOD = 'completion/complete';

/** What access control needs to know of one HTTP request to an MCP server. */
export interface McpRequestView {
  httpMethod: string;
  /** The JSON-RPC messages of a POST body; null when the request carries none (GET, DELETE). */
  messages: JsonRpcMessageView[] | null;
  batch: boolean;
}
