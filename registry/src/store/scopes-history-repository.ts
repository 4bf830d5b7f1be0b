/**
 * The history of scopes.yml as the registry has seen it: one revision per edit (through the API, or
 * found on disk), numbered 1, 2, 3, … Only the newest SCOPES_HISTORY_LIMIT are kept.
 */
export const SCOPES_HISTORY_LIMIT = 20;

export interface ScopesRevision {
  revision: number;
  /** The whole file as written. */
  text: string;
  /** Who made the edit (a user name, or a marker for edits found on disk). */
  author: string;
  /** What the edit was, e.g. `PUT /api/scopes/groups/admins`. */
  action: string;
  /** ISO 8601. */
  createdAt: string;
}

export type ScopesRevisionSummary = Omit<ScopesRevision, 'text'>;

export interface NewScopesRevision {
  text: string;
  author: string;
  action: string;
}

/** What exclusive() hands its work: reads and appends inside the edit. */
export interface ScopesEdit {
  latest(): Promise<ScopesRevision | undefined>;
  /** Records the next revision (latest + 1) and drops those past the limit. */
  append(entry: NewScopesRevision): Promise<ScopesRevision>;
}

export interface ScopesHistoryRepository {
  latest(): Promise<ScopesRevision | undefined>;
  get(revision: number): Promise<ScopesRevision | undefined>;
  /** The kept revisions, newest first, without their text. */
  list(): Promise<ScopesRevisionSummary[]>;
  /**
   * Runs `work` while no other exclusive() runs: in this process on SQLite, across every replica on
   * PostgreSQL (where the appends also commit only when `work` succeeds).
   */
  exclusive<T>(work: (edit: ScopesEdit) => Promise<T>): Promise<T>;
}
