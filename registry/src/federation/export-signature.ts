import { createLocalJWKSet, createRemoteJWKSet, flattenedVerify, FlattenedSign, type JWTVerifyGetKey } from 'jose';
import { SIGNING_ALGORITHM, type SigningKey } from '@mcpgw/lib/tokens/signing-key.js';

/** The header carrying an export's signature: a JWS (RFC 7515) over the body's bytes, payload detached. */
export const SIGNATURE_HEADER = 'x-federation-signature';

/** `<protected>..<signature>`: a compact JWS whose payload is the response body, exactly as sent. */
export async function signExport(body: Uint8Array, key: SigningKey): Promise<string> {
  const jws = await new FlattenedSign(body).setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid }).sign(key.privateKey);
  return `${jws.protected ?? ''}..${jws.signature}`;
}

export type ExportKeys = JWTVerifyGetKey;

/** The keys of a peer, from its JWKS URL (cached, refetched for an unknown kid), or a JWKS given inline. */
export function exportKeysFrom(source: { jwksUrl: string } | { jwks: { keys: object[] } }, timeoutMs = 5000): ExportKeys {
  if ('jwksUrl' in source) return createRemoteJWKSet(new URL(source.jwksUrl), { timeoutDuration: timeoutMs, cooldownDuration: 0 });
  return createLocalJWKSet(source.jwks as Parameters<typeof createLocalJWKSet>[0]);
}

/** Throws unless `signature` is a valid detached JWS over `body` by one of `keys`. */
export async function verifyExport(body: Uint8Array, signature: string | null, keys: ExportKeys): Promise<void> {
  const parts = signature?.split('.') ?? [];
  if (parts.length !== 3 || parts[1] !== '') throw new Error(`the export is not signed (no detached JWS in ${SIGNATURE_HEADER})`);
  const [header = '', , value = ''] = parts;
  await flattenedVerify({ protected: header, payload: Buffer.from(body).toString('base64url'), signature: value }, (header, token) => keys({ ...header, alg: header.alg ?? SIGNING_ALGORITHM }, token), { algorithms: [SIGNING_ALGORITHM] });
}
