import { decodeAllowedNames, decodeAllowedTools } from '@mcpgw/lib/check/check-contract.js';
import type { JsonRpcId } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import { allowsName } from '@mcpgw/lib/scopes/name-allowance.js';
import type { AccessGrant } from '../authz/check-access.js';
import { LIST_METHODS, type ListAllowance, type ListAllowances, type ListFilterForId, type ListMethod } from './filter-list-answers.js';
import type { StreamToolFilter } from './stream-tool-filters.js';

const isListMethod = (method: string | undefined): method is ListMethod => LIST_METHODS.includes(method as ListMethod);

/**
 * What the answers to the list requests of one POST may show, from the auth-server's grant. The
 * allowances are also left with the legacy event stream the POST belongs to, if any, since that is
 * where its answers come. Undefined when nothing needs filtering.
 */
export function planListFilter(
  messages: readonly JsonRpcMessageView[],
  ids: readonly JsonRpcId[],
  grant: AccessGrant,
  legacyStream: StreamToolFilter | undefined,
): ListFilterForId | undefined {
  const byId = new Map<unknown, ListAllowances>();
  let restricted = false;
  messages.forEach((message, index) => {
    if (!isListMethod(message.method)) return;
    const allowance = allowanceOf(message.method, grant);
    const id = ids[index] ?? null;
    byId.set(id, { ...byId.get(id), [message.method]: allowance });
    legacyStream?.allow(id, { [message.method]: allowance });
    if (allowance !== '*') restricted = true;
  });
  return restricted ? (id) => byId.get(id) : undefined;
}

function allowanceOf(method: ListMethod, grant: AccessGrant): ListAllowance {
  if (method === 'tools/list') {
    const tools = decodeAllowedTools(grant.allowedTools);
    return tools === '*' ? '*' : (name) => tools.has(name);
  }
  const names = decodeAllowedNames(method === 'prompts/list' ? grant.allowedPrompts : grant.allowedResources);
  return names === '*' ? '*' : (name) => allowsName(names, name);
}
