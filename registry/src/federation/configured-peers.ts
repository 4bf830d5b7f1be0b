import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { envOptional } from '@mcpgw/lib/config/env.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { fernetEncrypt, type FernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { newPeerSchema, type NewPeerInput } from './peer-format.js';
import { peerSettingsOf } from './peer-service.js';
import type { PeerRepository } from '../store/peer-repository.js';

/**
 * Peers declared as code: config/federation.json (`{"peers": [...]}`, each a peer entry whose token
 * is named by `federation_token_env`, never written in the file) and MCP_FEDERATION_NODES (base URLs,
 * comma-separated) with MCP_FEDERATION_TOKEN. Throws listing every problem.
 */
export function readConfiguredPeers(file: string, env: NodeJS.ProcessEnv = process.env): NewPeerInput[] {
  const problems: string[] = [];
  const declared: NewPeerInput[] = [];
  if (existsSync(file)) {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    const fileSchema = z.strictObject({
      peers: z.array(newPeerSchema.omit({ federation_token: true }).extend({ federation_token_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional() })).default([]),
    });
    const parsed = fileSchema.safeParse(document);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${file}: ${issue.path.join('.') || '(document)'}: ${issue.message}`);
    } else {
      for (const { federation_token_env: tokenEnv, ...peer } of parsed.data.peers) {
        const token = tokenEnv === undefined ? undefined : envOptional(tokenEnv, env);
        if (tokenEnv !== undefined && token === undefined) problems.push(`${file}: peer ${peer.peer_id}: the environment variable ${tokenEnv} is not set`);
        declared.push({ ...peer, ...(token === undefined ? {} : { federation_token: token }) });
      }
    }
  }
  const nodes = (envOptional('MCP_FEDERATION_NODES', env) ?? '').split(',').map((node) => node.trim()).filter(Boolean);
  const token = envOptional('MCP_FEDERATION_TOKEN', env);
  for (const node of nodes) {
    const parsed = newPeerSchema.safeParse({ peer_id: peerIdOf(node), name: node, endpoint: node, ...(token === undefined ? {} : { federation_token: token }) });
    if (parsed.success) declared.push(parsed.data);
    else problems.push(`MCP_FEDERATION_NODES: ${node}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const ids = declared.map((peer) => peer.peer_id);
  for (const id of new Set(ids.filter((id, index) => ids.indexOf(id) !== index))) problems.push(`peer ${id} is declared twice`);
  if (problems.length > 0) throw new Error(`invalid federation configuration:\n  ${problems.join('\n  ')}`);
  return declared;
}

/** A peer id for a base URL: its host (and port), e.g. lob-a-corp-com or 127-0-0-1-7861. */
export function peerIdOf(node: string): string {
  if (!URL.canParse(node)) return node;
  const url = new URL(node);
  return `${url.hostname}${url.port ? `-${url.port}` : ''}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
}

/** Stores the declared peers: new ones created, config-managed ones updated; a peer added through the API with the same id is left alone. */
export async function applyConfiguredPeers(peers: PeerRepository, declared: readonly NewPeerInput[], encryptionKey: FernetKey | undefined, logger: Logger): Promise<void> {
  const encrypt = (token: string): string => {
    if (encryptionKey === undefined) throw new Error('a configured federation peer has a token: set FEDERATION_ENCRYPTION_KEY (make one with "npx mcpgw federation keygen")');
    return fernetEncrypt(encryptionKey, token);
  };
  for (const input of declared) {
    const settings = peerSettingsOf(input, encrypt);
    const existing = await peers.get(input.peer_id);
    if (existing === undefined) await peers.create(input.peer_id, settings, 'config');
    else if (existing.origin === 'config') await peers.update(input.peer_id, settings, { resetCursor: JSON.stringify(existing.filters) !== JSON.stringify(settings.filters) || existing.endpoint !== settings.endpoint });
    else logger.warn({ peerId: input.peer_id }, `federation configuration declares peer '${input.peer_id}', which was added through the API; the API's entry is kept`);
  }
}
