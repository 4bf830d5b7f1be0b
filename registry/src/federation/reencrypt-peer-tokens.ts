import { fernetDecrypt, fernetEncrypt, FernetError, type FernetKey } from '@mcpgw/lib/crypto/fernet.js';
import type { PeerRepository } from '../store/peer-repository.js';

export interface ReencryptResult {
  /** Peers whose token now decrypts with the new key. */
  reencrypted: string[];
  /** Peers already under the new key (an earlier run was interrupted), left as they are. */
  alreadyNew: string[];
}

/**
 * Re-encrypts every stored peer token from `oldKey` to `newKey`. Every token is checked before any
 * is written, so a wrong old key changes nothing; a run that stops part-way can be run again.
 */
export async function reencryptPeerTokens(peers: PeerRepository, oldKey: FernetKey, newKey: FernetKey): Promise<ReencryptResult> {
  const plan: Array<{ peerId: string; token: string }> = [];
  const alreadyNew: string[] = [];
  const unreadable: string[] = [];
  for (const peer of await peers.list()) {
    if (peer.tokenCiphertext === null) continue;
    const token = tryDecrypt(oldKey, peer.tokenCiphertext);
    if (token !== undefined) plan.push({ peerId: peer.peerId, token });
    else if (tryDecrypt(newKey, peer.tokenCiphertext) !== undefined) alreadyNew.push(peer.peerId);
    else unreadable.push(peer.peerId);
  }
  if (unreadable.length > 0) {
    throw new Error(`the tokens of ${unreadable.join(', ')} decrypt with neither key; nothing was changed. Check FEDERATION_ENCRYPTION_KEY is the key in use`);
  }
  for (const { peerId, token } of plan) await peers.update(peerId, { tokenCiphertext: fernetEncrypt(newKey, token) });
  return { reencrypted: plan.map((entry) => entry.peerId), alreadyNew };
}

function tryDecrypt(key: FernetKey, ciphertext: string): string | undefined {
  try {
    return fernetDecrypt(key, ciphertext);
  } catch (error) {
    if (error instanceof FernetError || (error as { code?: string }).code?.startsWith('ERR_OSSL')) return undefined;
    throw error;
  }
}
