import { RegistryError } from './registry-error.js';

export function peerExists(peerId: string): RegistryError {
  return new RegistryError('REGISTRY_PEER_EXISTS', 409, `a peer with peer_id ${peerId} exists already; edit it with PUT /api/peers/${peerId}, or pick another id`);
}

export function peerNotFound(peerId: string): RegistryError {
  return new RegistryError('REGISTRY_PEER_NOT_FOUND', 404, `no peer ${peerId} is configured; list peers with GET /api/peers`);
}
