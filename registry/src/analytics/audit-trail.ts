import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { AuditRepository } from '../store/audit-repository.js';

/**
 * Where administrative actions are written down. Server and scopes edits through the API are recorded
 * by auditAdminActions; other features (peer changes, token minting) call record() themselves with
 * actions such as `peer.update` or `token.mint`. Recording never fails the action: a write error is
 * logged.
 */
export interface AuditTrail {
  record(actor: Identity, action: string, target: string, before: unknown, after: unknown): Promise<void>;
}

/** The caller's user, and its client id after a slash when that differs. */
export function actorOf(identity: Identity): string {
  return identity.clientId && identity.clientId !== identity.user ? `${identity.user}/${identity.clientId}` : identity.user;
}

export function createAuditTrail(audit: AuditRepository, logger: Logger): AuditTrail {
  return {
    async record(actor, action, target, before, after) {
      try {
        await audit.append({ actor: actorOf(actor), action, target, before: before ?? null, after: after ?? null });
      } catch (error) {
        logger.error({ err: error, action, target }, 'an administrative action could not be written to the audit log');
      }
    },
  };
}
