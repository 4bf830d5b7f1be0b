import type { HealthRepository } from './health-repository.js';
import type { ScopesHistoryRepository } from './scopes-history-repository.js';
import type { ServerRepository } from './server-repository.js';

/** Everything the registry keeps, on one database. */
export interface RegistryStore {
  servers: ServerRepository;
  scopesHistory: ScopesHistoryRepository;
  health: HealthRepository;
  /** Which backend holds the data: `sqlite` or `postgres`. */
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
