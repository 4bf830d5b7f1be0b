import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { readOrCreateSecretFile } from '@mcpgw/lib/files/create-once.js';

/** The file in DATA_DIR holding the secret session ids are sealed with, when GATEWAY_SESSION_KEY is unset. */
export const SESSION_KEY_FILE = 'gateway-session-key';
/** Shorter secrets are refused: the key is derived from them, never stretched. */
export const MIN_SESSION_SECRET_LENGTH = 32;

export interface SessionKey {
  /** Names the key inside every id sealed with it, so that a rotated-out key can still open old ids. */
  id: string;
  key: Buffer;
}

export interface SessionKeyring {
  /** Seals new ids. */
  current: SessionKey;
  /** Opens ids: the current key and the previous ones. */
  byId: ReadonlyMap<string, SessionKey>;
}

export interface SessionKeySources {
  /** GATEWAY_SESSION_KEY: the same on every gateway replica. */
  secret?: string | undefined;
  /** GATEWAY_SESSION_KEY_PREVIOUS: secrets of earlier keys, still accepted for ids sealed before a rotation. */
  previous?: readonly string[];
  /** Without `secret`, the secret is read from (or created once in) this directory, shared by replicas. */
  dataDir?: string;
}

/** Derives the AES-256-GCM keys once, at start-up, from secrets of any form (HKDF-SHA256). */
export function loadSessionKeys(sources: SessionKeySources): SessionKeyring {
  const secret = sources.secret ?? (sources.dataDir ? readOrCreateSecretFile(path.join(sources.dataDir, SESSION_KEY_FILE), () => randomBytes(32).toString('base64url')).trim() : undefined);
  if (secret === undefined) throw new Error('a session key needs GATEWAY_SESSION_KEY or a DATA_DIR to keep one in');
  const current = deriveKey(secret, 'GATEWAY_SESSION_KEY');
  const byId = new Map<string, SessionKey>([[current.id, current]]);
  for (const old of sources.previous ?? []) {
    const key = deriveKey(old, 'GATEWAY_SESSION_KEY_PREVIOUS');
    if (!byId.has(key.id)) byId.set(key.id, key);
  }
  return { current, byId };
}

function deriveKey(secret: string, name: string): SessionKey {
  if (secret.length < MIN_SESSION_SECRET_LENGTH) {
    throw new Error(`${name} must be at least ${MIN_SESSION_SECRET_LENGTH} characters; generate one with: openssl rand -base64 32`);
  }
  const key = Buffer.from(hkdfSync('sha256', secret, 'mcpgw gateway session ids', 'aes-256-gcm', 32));
  const id = createHash('sha256').update(key).digest('base64url').slice(0, 6);
  return { id, key };
}
