import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { calculateJwkThumbprint, importJWK, type JWK, type CryptoKey } from 'jose';
import { readOrCreateSecretFile } from '../files/create-once.js';

export const SIGNING_KEY_FILE = 'signing-key.json';
export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey | Uint8Array;
  publicKey: CryptoKey | Uint8Array;
  publicJwk: JWK;
}

/**
 * The key that signs registry-issued tokens. It lives in DATA_DIR/signing-key.json (mode 0600)
 * and is created on first use; whoever can read DATA_DIR can mint tokens.
 */
export async function loadOrCreateSigningKey(dataDirectory: string): Promise<SigningKey> {
  const file = path.join(dataDirectory, SIGNING_KEY_FILE);
  const text = readOrCreateSecretFile(file, () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return `${JSON.stringify(privateKey.export({ format: 'jwk' }), null, 2)}\n`;
  });
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(text) as JWK;
  } catch (cause) {
    throw new Error(`${file} is not valid JSON; remove it to have a new signing key made`, { cause });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    privateKey: await importJWK({ ...privateJwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM),
    publicKey: await importJWK({ ...publicJwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM),
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' },
  };
}
