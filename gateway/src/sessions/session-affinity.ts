import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { SessionSealer } from './seal-session-id.js';

export const SESSION_HEADER = 'mcp-session-id';

/** Whose session it is: the user the auth-server named, or the client when it named no user. */
export function callerOf(identity: Record<string, string>): string {
  return identity[IDENTITY_HEADERS.user] ?? identity[IDENTITY_HEADERS.clientId] ?? '';
}

/**
 * Replaces the client's sealed Mcp-Session-Id in the upstream headers with the upstream's own and
 * returns the replica holding the session; undefined when the request names no session.
 */
export function openRequestSession(sealer: SessionSealer, headers: IncomingHttpHeaders, caller: string, replicas: number): number | undefined {
  const sealed = headers[SESSION_HEADER];
  if (typeof sealed !== 'string') return undefined;
  const binding = sealer.unseal(sealed, caller);
  if (binding.replica >= replicas) {
    throw new GatewayError('GW_SESSION_UNKNOWN', 'the replica holding this session is no longer registered; start a new session');
  }
  headers[SESSION_HEADER] = binding.upstreamId;
  return binding.replica;
}

/** Replaces the upstream's Mcp-Session-Id in its answer with a sealed one naming the replica. */
export function sealResponseSession(sealer: SessionSealer, proxyRes: IncomingMessage, caller: string, replica: number): void {
  const upstreamId = proxyRes.headers[SESSION_HEADER];
  if (typeof upstreamId === 'string' && upstreamId !== '') proxyRes.headers[SESSION_HEADER] = sealer.seal({ upstreamId, replica }, caller);
}
