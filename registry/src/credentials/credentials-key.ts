import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { envOptional } from '@mcpgw/lib/config/env.js';
import { readOrCreateSecretFile } from '@mcpgw/lib/files/create-once.js';
import { SEAL_KEY_BYTES } from './seal.js';

export const CREDENTIALS_KEY_FILE = 'credentials-key';

/**
 * The key that seals upstream credentials: CREDENTIALS_ENCRYPTION_KEY (32 bytes, base64 or hex), else
 * DATA_DIR/credentials-key, created with mode 0600 on first use. Every registry replica needs the same key.
 */
export function loadCredentialsKey(dataDirectory: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const configured = envOptional('CREDENTIALS_ENCRYPTION_KEY', env);
  if (configured !== undefined) return decodeKey(configured, 'CREDENTIALS_ENCRYPTION_KEY');
  const file = path.join(dataDirectory, CREDENTIALS_KEY_FILE);
  const text = readOrCreateSecretFile(file, () => `${randomBytes(SEAL_KEY_BYTES).toString('base64')}\n`);
  return decodeKey(text.trim(), file);
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== SEAL_KEY_BYTES) {
    throw new Error(`${source} must hold a 32-byte key, base64 or hex (make one with: openssl rand -base64 32)`);
  }
  return key;
}
