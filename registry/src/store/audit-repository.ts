import type { TimeRange } from './usage-repository.js';

/** One administrative action: who did what to which thing, when, and the thing before and after. */
export interface AuditEntry {
  id: number;
  at: string;
  /** The caller's user (`sub`) and, after a slash, its client id when it differs. */
  actor: string;
  /** What was done, e.g. `server.register`, `scopes.edit`, `peer.update`, `token.mint`. */
  action: string;
  /** What it was done to, e.g. a server path, `scopes.yml`, a peer id. */
  target: string;
  before: unknown;
  after: unknown;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

/** The append-only audit log of administrative actions. */
export interface AuditRepository {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Entries in the range, oldest first. */
  list(range: TimeRange): Promise<AuditEntry[]>;
}
