import { createHmac, timingSafeEqual } from 'node:crypto';
import { IDENTITY_ATTESTATION_HEADER, IDENTITY_HEADERS } from './check-contract.js';

/**
 * The gateway's attestation of the identity headers it sets upstream: `v1.<unix seconds>.<mac>`,
 * the mac an HMAC-SHA256 over the version, the time, the route's server path and every identity
 * header (in IDENTITY_HEADERS order), keyed by a key derived from the internal token. It binds the
 * identity to one route and a short time window: an upstream that sees it cannot replay it at
 * another route (the registry's MCP server accepts only its own path), and a client can forge none.
 */
export const ATTESTATION_VERSION = 'v1';
/** How old (or how far ahead, for clock skew) an attestation may be. */
export const ATTESTATION_MAX_AGE_SECONDS = 60;

const IDENTITY_NAMES = Object.values(IDENTITY_HEADERS);
const KEY_LABEL = 'mcpgw identity attestation v1';

export type AttestationKey = Buffer;

/** The attestation key of an internal token; the token itself never leaves the services that hold it. */
export function attestationKey(internalToken: string): AttestationKey {
  return createHmac('sha256', internalToken).update(KEY_LABEL).digest();
}

/** The identity headers plus their attestation for the route at `serverPath`. */
export function attestIdentity(key: AttestationKey, serverPath: string, identity: Readonly<Record<string, string>>, nowSeconds = unixNow()): Record<string, string> {
  const time = String(nowSeconds);
  return { ...identity, [IDENTITY_ATTESTATION_HEADER]: `${ATTESTATION_VERSION}.${time}.${macOf(key, time, serverPath, (name) => identity[name])}` };
}

/**
 * Whether the request's attestation is valid for `serverPath` now: right version, fresh, and a mac
 * over exactly the identity headers it carries. Compared in constant time.
 */
export function verifyAttestation(key: AttestationKey, serverPath: string, header: (name: string) => string | undefined, nowSeconds = unixNow()): boolean {
  const parts = (header(IDENTITY_ATTESTATION_HEADER) ?? '').split('.');
  if (parts.length !== 3 || parts[0] !== ATTESTATION_VERSION || !/^\d{1,12}$/.test(parts[1] ?? '')) return false;
  const time = parts[1] as string;
  if (Math.abs(nowSeconds - Number(time)) > ATTESTATION_MAX_AGE_SECONDS) return false;
  const expected = Buffer.from(macOf(key, time, serverPath, header));
  const presented = Buffer.from(parts[2] ?? '');
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

function macOf(key: AttestationKey, time: string, serverPath: string, header: (name: string) => string | undefined): string {
  const mac = createHmac('sha256', key).update(`${ATTESTATION_VERSION}\n${time}\n${serverPath}`);
  for (const name of IDENTITY_NAMES) mac.update(`\n${name}:${header(name) ?? ''}`);
  return mac.digest('base64url');
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
