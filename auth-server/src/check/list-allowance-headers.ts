import {
  ALLOWED_PROMPTS_HEADER, ALLOWED_RESOURCES_HEADER, ALLOWED_TOOLS_HEADER, encodeAllowedNames, encodeAllowedTools,
} from '@mcpgw/lib/check/check-contract.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import type { CompiledPolicy } from '@mcpgw/lib/scopes/compile-policy.js';
import { allowedNames, allowedTools } from '@mcpgw/lib/scopes/decide-access.js';

/**
 * For an allowed request carrying list methods, what the gateway may show in their answers:
 * X-Allowed-Tools for tools/list, X-Allowed-Prompts for prompts/list, X-Allowed-Resources for
 * resources/list and resources/templates/list. Other requests get none of these headers.
 */
export function listAllowanceHeaders(
  policy: CompiledPolicy,
  scopes: readonly string[],
  serverPath: string,
  messages: readonly JsonRpcMessageView[] | null,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (messages === null) return headers;
  const methods = new Set(messages.map((message) => message.method));
  if (methods.has('tools/list')) {
    headers[ALLOWED_TOOLS_HEADER] = encodeAllowedTools(allowedTools(policy, scopes, serverPath));
  }
  if (methods.has('prompts/list')) {
    headers[ALLOWED_PROMPTS_HEADER] = encodeAllowedNames(allowedNames(policy, scopes, serverPath, 'prompts'));
  }
  if (methods.has('resources/list') || methods.has('resources/templates/list')) {
    headers[ALLOWED_RESOURCES_HEADER] = encodeAllowedNames(allowedNames(policy, scopes, serverPath, 'resources'));
  }
  return headers;
}
