import { NONE_LABEL, OTHER_LABEL } from '@mcpgw/lib/telemetry/mcp-metrics.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';

/** The MCP methods of the specification; any other method is labelled `other`, so that labels stay bounded. */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'sampling/createMessage',
  'elicitation/create',
  'roots/list',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/message',
  'notifications/roots/list_changed',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
]);

export const BATCH_LABEL = 'batch';
export const RESPONSE_LABEL = 'response';

/** The `mcp_method` label of a request: its method, `batch`, `response` (a client's answer), `other` or `none`. */
export function mcpMethodLabel(messages: readonly JsonRpcMessageView[] | undefined, batch: boolean): string {
  if (messages === undefined || messages.length === 0) return NONE_LABEL;
  if (batch) return BATCH_LABEL;
  const method = messages[0]?.method;
  if (method === undefined) return RESPONSE_LABEL;
  return KNOWN_METHODS.has(method) ? method : OTHER_LABEL;
}

/** The `tool_name` label: the tool when the route registered it, else `other`. */
export function toolLabel(tool: string, registered: ReadonlySet<string>): string {
  return registered.has(tool) ? tool : OTHER_LABEL;
}
