import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Fernet (https://github.com/fernet/spec): version 0x80, 8-byte big-endian timestamp, 16-byte IV,
 * AES-128-CBC ciphertext (PKCS#7), HMAC-SHA256 over all of that; url-safe base64. Keys are 32
 * bytes, url-safe base64: the first half signs, the second encrypts. Written here on node:crypto
 * because no maintained npm package implements it; keys made by Python's cryptography package work.
 */
const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16;
const HMAC_LENGTH = 32;

export class FernetError extends Error {
  readonly code = 'FERNET_INVALID';
}

export interface FernetKey {
  signingKey: Buffer;
  encryptionKey: Buffer;
}

/** A new random key, as `Fernet.generate_key()` makes it. */
export function generateFernetKey(): string {
  return toBase64Url(randomBytes(32));
}

/** Parses a key; throws FernetError unless it is 32 bytes of url-safe base64. */
export function parseFernetKey(text: string): FernetKey {
  const bytes = fromBase64Url(text.trim());
  if (bytes.length !== 32) throw new FernetError('a Fernet key is 32 bytes of url-safe base64 (44 characters); make one with "npx mcpgw federation keygen"');
  return { signingKey: bytes.subarray(0, 16), encryptionKey: bytes.subarray(16) };
}

/** Encrypts `plaintext` into a token; `now` and `iv` are for tests that rebuild a known token. */
export function fernetEncrypt(key: FernetKey, plaintext: string, options: { now?: Date; iv?: Buffer } = {}): string {
  const iv = options.iv ?? randomBytes(16);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(Math.floor((options.now ?? new Date()).getTime() / 1000)));
  const cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const signed = Buffer.concat([Buffer.from([VERSION]), timestamp, iv, ciphertext]);
  const hmac = createHmac('sha256', key.signingKey).update(signed).digest();
  return toBase64Url(Buffer.concat([signed, hmac]));
}

/** Decrypts a token; throws FernetError when it was not made with this key or was altered. */
export function fernetDecrypt(key: FernetKey, token: string): string {
  const bytes = fromBase64Url(token.trim());
  if (bytes.length < HEADER_LENGTH + 16 + HMAC_LENGTH || bytes[0] !== VERSION || (bytes.length - HEADER_LENGTH - HMAC_LENGTH) % 16 !== 0) {
    throw new FernetError('not a Fernet token');
  }
  const signed = bytes.subarray(0, bytes.length - HMAC_LENGTH);
  const expected = createHmac('sha256', key.signingKey).update(signed).digest();
  if (!timingSafeEqual(expected, bytes.subarray(bytes.length - HMAC_LENGTH))) {
    throw new FernetError('the token was not encrypted with this FEDERATION_ENCRYPTION_KEY, or it was altered');
  }
  const decipher = createDecipheriv('aes-128-cbc', key.encryptionKey, signed.subarray(9, HEADER_LENGTH));
  return Buffer.concat([decipher.update(signed.subarray(HEADER_LENGTH)), decipher.final()]).toString('utf8');
}

/** Url-safe base64 with its padding, as Python's urlsafe_b64encode writes it. */
function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

function fromBase64Url(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new FernetError('not url-safe base64');
  return Buffer.from(text.replace(/=+$/, ''), 'base64url');
}
