import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import { fernetDecrypt, fernetEncrypt, FernetError, generateFernetKey, parseFernetKey } from '@mcpgw/lib/crypto/fernet.js';

// A key of bytes 0..31 and an IV of bytes 0xa0..0xaf, at 2026-01-01T00:00:00Z.
const KEY_BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const KEY_TEXT = KEY_BYTES.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
const IV = Buffer.from(Array.from({ length: 16 }, (_, i) => 0xa0 + i));
const NOW = new Date('2026-01-01T00:00:00Z');
const PLAINTEXT = 'federation-token-of-lob-a';

/** The token for those inputs, assembled step by step as the Fernet spec lays it out. */
function tokenByHand(): string {
  const signingKey = KEY_BYTES.subarray(0, 16);
  const encryptionKey = KEY_BYTES.subarray(16, 32);
  const version = Buffer.from([0x80]);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(NOW.getTime() / 1000));
  const cipher = createCipheriv('aes-128-cbc', encryptionKey, IV);
  const ciphertext = Buffer.concat([cipher.update(PLAINTEXT, 'utf8'), cipher.final()]);
  const hmac = createHmac('sha256', signingKey).update(Buffer.concat([version, timestamp, IV, ciphertext])).digest();
  return Buffer.concat([version, timestamp, IV, ciphertext, hmac]).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

test('encrypting with a fixed time and IV gives the token the spec describes, and it decrypts back', () => {
  const key = parseFernetKey(KEY_TEXT);
  const expected = tokenByHand();
  assert.equal(expected.length % 4, 0, 'padded like urlsafe_b64encode');
  assert.equal(fernetEncrypt(key, PLAINTEXT, { now: NOW, iv: IV }), expected);
  assert.equal(fernetDecrypt(key, expected), PLAINTEXT);
  assert.equal(fernetDecrypt(key, expected.replace(/=+$/, '')), PLAINTEXT, 'padding optional on input');
  assert.ok(expected.startsWith('gAAAAA'), 'version byte 0x80 and a timestamp below 2^40');
});

test('a token from another key, an altered token or garbage is refused', () => {
  const key = parseFernetKey(KEY_TEXT);
  const token = fernetEncrypt(key, PLAINTEXT);
  assert.throws(() => fernetDecrypt(parseFernetKey(generateFernetKey()), token), FernetError);
  const bytes = Buffer.from(token, 'base64url');
  bytes[30] = (bytes[30] ?? 0) ^ 1;
  assert.throws(() => fernetDecrypt(key, bytes.toString('base64url')), /altered/);
  for (const bad of ['', 'not base64!', 'gAAAAA', Buffer.alloc(80, 1).toString('base64url')]) assert.throws(() => fernetDecrypt(key, bad), FernetError);
});

test('keys are 32 bytes of url-safe base64, as Fernet.generate_key() writes them', () => {
  const text = generateFernetKey();
  assert.match(text, /^[A-Za-z0-9_-]{43}=$/);
  assert.notEqual(generateFernetKey(), text);
  parseFernetKey(text);
  assert.throws(() => parseFernetKey('c2hvcnQ='), /32 bytes/);
  assert.throws(() => parseFernetKey('not/a+url-safe key'), FernetError);
  const random = fernetEncrypt(parseFernetKey(text), 'x');
  assert.notEqual(fernetEncrypt(parseFernetKey(text), 'x'), random, 'a fresh IV each time');
});
