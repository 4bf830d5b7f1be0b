import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';
import type { SessionKeyring } from './session-keys.js';

/** What a sealed session id carries. */
export interface SessionBinding {
  /** The upstream's own Mcp-Session-Id. */
  upstreamId: string;
  /** The replica that created the session: its position in the route's replica list. */
  replica: number;
}

export interface SessionSealer {
  /** The id the client sees: `<key id>.<base64url of nonce, ciphertext and tag>`. */
  seal(binding: SessionBinding, caller: string): string;
  /** GW_SESSION_UNKNOWN when the id was not sealed by a known key; GW_SESSION_FORBIDDEN when it belongs to another caller. */
  unseal(sealed: string, caller: string): SessionBinding;
}

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const CALLER_BYTES = 16;
/** version (1), replica (2), caller hash (16), then the upstream id. */
const HEADER_BYTES = 1 + 2 + CALLER_BYTES;
const MAX_SEALED_LENGTH = 4096;

/**
 * Seals upstream session ids with AES-256-GCM, bound to the caller (a hash of its user) and to the
 * replica holding the session, so that any gateway with the same key routes the session back to its
 * replica without a shared store, and no other caller can use it.
 */
export function createSessionSealer(keyring: SessionKeyring): SessionSealer {
  const callerHash = (caller: string): Buffer => createHash('sha256').update(caller).digest().subarray(0, CALLER_BYTES);
  const unknown = (): GatewayError =>
    new GatewayError('GW_SESSION_UNKNOWN', 'the session id is not one this gateway issued, or its key was retired; start a new session');

  return {
    seal({ upstreamId, replica }, caller) {
      const plain = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(upstreamId));
      plain.writeUInt8(VERSION, 0);
      plain.writeUInt16BE(replica, 1);
      callerHash(caller).copy(plain, 3);
      plain.write(upstreamId, HEADER_BYTES, 'utf8');
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyring.current.key, nonce);
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return `${keyring.current.id}.${sealed.toString('base64url')}`;
    },
    unseal(text, caller) {
      const dot = text.indexOf('.');
      const key = dot > 0 && text.length <= MAX_SEALED_LENGTH ? keyring.byId.get(text.slice(0, dot)) : undefined;
      if (!key) throw unknown();
      const sealed = Buffer.from(text.slice(dot + 1), 'base64url');
      if (sealed.length < NONCE_BYTES + HEADER_BYTES + TAG_BYTES) throw unknown();
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.subarray(0, NONCE_BYTES));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw unknown();
      }
      if (plain.readUInt8(0) !== VERSION) throw unknown();
      if (!timingSafeEqual(plain.subarray(3, HEADER_BYTES), callerHash(caller))) {
        throw new GatewayError('GW_SESSION_FORBIDDEN', 'this session belongs to another caller; start your own session');
      }
      return { replica: plain.readUInt16BE(1), upstreamId: plain.subarray(HEADER_BYTES).toString('utf8') };
    },
  };
}
