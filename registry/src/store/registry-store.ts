import type { ScopesHistoryRepository } from './scopes-history-repository.js';
import type { ServerRepository } from './server-repository.js';
import type { SessionRepository } from './session-repository.js';

/** Everything the registry keeps, on one database. */
export interface RegistryStore {
  servers: ServerRepository;
  scopesHistory: ScopesHistoryRepository;
  /** Registry login sessions. */
  sessions: SessionRepository;
  /** Which backend holds the data: `sqlite` or `postgres`. */
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
