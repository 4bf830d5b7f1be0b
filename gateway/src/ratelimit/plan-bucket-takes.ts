import { createHash } from 'node:crypto';
import { IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import type { JsonRpcMessageView } from '@mcpgw/lib/jsonrpc/message-view.js';
import type { BucketLimit, ServerRateLimit } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import type { BucketTake } from './bucket-store.js';

/** Which limit a bucket enforces; reported with a refusal and bounded, so fit for a metric label. */
export type LimitKind = 'server' | 'caller' | 'tool' | 'group';

export interface PlannedTake extends BucketTake {
  kind: LimitKind;
}

export interface TakeInput {
  serverPath: string;
  /** The server's limits from its registry entry. */
  serverLimit: ServerRateLimit | undefined;
  /** The caller's limit across servers, from its groups in scopes.yml. */
  groupLimit: BucketLimit | undefined;
  /** The auth-server's identity headers. */
  identity: Record<string, string>;
  /** The JSON-RPC messages of a POST; undefined for GET and DELETE. */
  messages: readonly JsonRpcMessageView[] | undefined;
}

/**
 * The buckets one request takes a token from: the server's, the caller's on that server, the caller's
 * per tool (one token per tools/call of that tool in the request) and the caller's across servers.
 * Callers are keyed by a hash of their user, never the raw name.
 */
export function planBucketTakes(input: TakeInput): PlannedTake[] {
  const takes: PlannedTake[] = [];
  const { serverLimit, groupLimit } = input;
  if (serverLimit?.server) takes.push({ kind: 'server', key: `s:${input.serverPath}`, limit: serverLimit.server, cost: 1 });
  if (!serverLimit?.caller && !serverLimit?.tools && !groupLimit) return takes;
  const caller = callerKey(input.identity);
  if (serverLimit?.caller) takes.push({ kind: 'caller', key: `c:${input.serverPath}:${caller}`, limit: serverLimit.caller, cost: 1 });
  if (serverLimit?.tools && input.messages) {
    const counts = new Map<string, number>();
    for (const message of input.messages) {
      if (message.method === 'tools/call' && message.tool !== undefined && Object.hasOwn(serverLimit.tools, message.tool)) {
        counts.set(message.tool, (counts.get(message.tool) ?? 0) + 1);
      }
    }
    for (const [tool, cost] of counts) {
      takes.push({ kind: 'tool', key: `t:${input.serverPath}:${caller}:${encodeURIComponent(tool)}`, limit: serverLimit.tools[tool] as BucketLimit, cost });
    }
  }
  if (groupLimit) takes.push({ kind: 'group', key: `g:${caller}`, limit: groupLimit, cost: 1 });
  return takes;
}

function callerKey(identity: Record<string, string>): string {
  const who = identity[IDENTITY_HEADERS.user] ?? identity[IDENTITY_HEADERS.clientId] ?? '';
  return createHash('sha256').update(who).digest('base64url').slice(0, 22);
}
