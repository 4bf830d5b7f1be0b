import dns from 'node:dns';
import { isBlockedUpstreamAddress } from '@mcpgw/lib/net/upstream-address-policy.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address?: string | dns.LookupAddress[], family?: number) => void;

/**
 * dns.lookup for upstream connections that refuses names resolving to a link-local or metadata address,
 * so a registered host name cannot be pointed at the cloud metadata service after registration.
 */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error);
    const blocked = addresses.find((entry) => isBlockedUpstreamAddress(entry.address));
    if (blocked) {
      const refusal: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${blocked.address}, a link-local or metadata address; set UPSTREAM_ALLOW_LINK_LOCAL=true to allow it`,
      );
      refusal.code = 'EUPSTREAMFORBIDDEN';
      return callback(refusal);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
    return callback(null, first.address, first.family);
  });
}
