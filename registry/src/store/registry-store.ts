import type { HealthRepository } from './health-repository.js';
import type { AgentRepository } from './agent-repository.js';
import type { RatingRepository } from './rating-repository.js';
import type { PeerRepository } from './peer-repository.js';
import type { ScopesHistoryRepository } from './scopes-history-repository.js';
import type { ServerRepository } from './server-repository.js';
import type { VirtualServerRepository } from './virtual-server-repository.js';
import type { SessionRepository } from './session-repository.js';
import type { UsageRepository } from './usage-repository.js';
import type { AuditRepository } from './audit-repository.js';

/** Everything the registry keeps, on one database. */
export interface RegistryStore {
  servers: ServerRepository;
  scopesHistory: ScopesHistoryRepository;
  virtualServers: VirtualServerRepository;
  /** Registry login sessions. */
  sessions: SessionRepository;
  usage: UsageRepository;
  audit: AuditRepository;
  health: HealthRepository;
  agents: AgentRepository;
  ratings: RatingRepository;
  /** Federation: peers, imported copies, the export feed. */
  peers: PeerRepository;
  /** Which backend holds the data: `sqlite` or `postgres`. */
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
