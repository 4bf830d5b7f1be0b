import { isIP } from 'node:net';

/**
 * Addresses no upstream may live at unless an operator says so (UPSTREAM_ALLOW_LINK_LOCAL=true): link-local
 * ranges, where clouds serve instance metadata and credentials (169.254.169.254, fd00:ec2::254), the
 * unspecified address, and the metadata host names. A registered server pointing there would let anyone
 * who may register servers read the host's cloud credentials through the gateway (SSRF).
 * Loopback and private ranges stay allowed: upstreams usually live there.
 */
const METADATA_HOSTNAMES: ReadonlySet<string> = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

export function linkLocalUpstreamsAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env.UPSTREAM_ALLOW_LINK_LOCAL ?? '');
}

/** Whether an IP address (v4, v6 or v4-mapped v6) is one no upstream may use. */
export function isBlockedUpstreamAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  const ip = mapped ? mapped[1]! : bare;
  const family = isIP(ip);
  if (family === 4) {
    const [a, b] = ip.split('.').map(Number);
    return (a === 169 && b === 254) || a === 0;
  }
  if (family === 6) {
    if (ip === '::' || ip === '0:0:0:0:0:0:0:0') return true;
    if (/^fe[89ab][0-9a-f]:/.test(ip)) return true;
    return ip === 'fd00:ec2::254';
  }
  return false;
}

/** Whether a URL's host is a blocked address or a metadata host name (names are resolved later, at connect). */
export function isBlockedUpstreamHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  return METADATA_HOSTNAMES.has(host) || isBlockedUpstreamAddress(host);
}
