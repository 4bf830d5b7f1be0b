import type { AgentRepository } from './agent-repository.js';
import type { RatingRepository } from './rating-repository.js';
import type { ScopesHistoryRepository } from './scopes-history-repository.js';
import type { ServerRepository } from './server-repository.js';

/** Everything the registry keeps, on one database. */
export interface RegistryStore {
  servers: ServerRepository;
  scopesHistory: ScopesHistoryRepository;
  agents: AgentRepository;
  ratings: RatingRepository;
  /** Which backend holds the data: `sqlite` or `postgres`. */
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
