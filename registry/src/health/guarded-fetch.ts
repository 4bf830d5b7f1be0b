import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isBlockedUpstreamAddress, isBlockedUpstreamHost } from '@mcpgw/lib/net/upstream-address-policy.js';

/** The fetch the MCP SDK's client transports take. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export class UpstreamForbiddenError extends Error {
  readonly code = 'EUPSTREAMFORBIDDEN';
}

/**
 * fetch that refuses link-local and cloud metadata upstreams (the SSRF guard of the gateway) unless
 * they are allowed: the host name is checked, then every address it resolves to. The connection
 * itself resolves the name again; a name that changes its answer in between is the gateway's to stop.
 */
export function guardedFetch(allowLinkLocal: boolean): FetchLike {
  return async (url, init) => {
    if (!allowLinkLocal) await refuseBlockedHost(new URL(url).hostname);
    return fetch(url, init);
  };
}

async function refuseBlockedHost(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isBlockedUpstreamHost(host)) throw forbidden(host, host);
  if (isIP(host) !== 0) return;
  const addresses = await lookup(host, { all: true });
  const blocked = addresses.find((entry) => isBlockedUpstreamAddress(entry.address));
  if (blocked) throw forbidden(host, blocked.address);
}

function forbidden(host: string, address: string): UpstreamForbiddenError {
  return new UpstreamForbiddenError(
    `${host} is (or resolves to) ${address}, a link-local or metadata address; set UPSTREAM_ALLOW_LINK_LOCAL=true to allow it`,
  );
}
