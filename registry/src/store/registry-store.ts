import type { PeerRepository } from './peer-repository.js';
import type { ScopesHistoryRepository } from './scopes-history-repository.js';
import type { ServerRepository } from './server-repository.js';

/** Everything the registry keeps, on one database. */
export interface RegistryStore {
  servers: ServerRepository;
  scopesHistory: ScopesHistoryRepository;
  /** Federation: peers, imported copies, the export feed. */
  peers: PeerRepository;
  /** Which backend holds the data: `sqlite` or `postgres`. */
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
