/**
 * What the registry learns by connecting to servers: health and routing state, the tools, prompts
 * and resources they list, the changes of their tools, and security scans. Every backend (SQLite,
 * PostgreSQL) implements this interface and passes tests/health/health-repository.test.ts.
 * Records are keyed by server path and removed with forget() when the server is deleted.
 */

export const HEALTH_STATUSES = ['healthy', 'unhealthy', 'auth-expired', 'unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface HealthRecord {
  path: string;
  status: HealthStatus;
  /** Why the last check failed; null when it passed or none ran. */
  reason: string | null;
  /** ISO 8601; null before the first check. */
  checkedAt: string | null;
  latencyMs: number | null;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Whether the gateways route to it as far as health goes (hysteresis). */
  routed: boolean;
  /** The operator's "route regardless of health". */
  routeRegardless: boolean;
}

export interface HealthUpdate {
  before: HealthRecord | undefined;
  after: HealthRecord;
}

/** Whether going from `before` to `after` changes what the gateways route. */
export function healthRoutingChanged(before: HealthRecord | undefined, after: HealthRecord): boolean {
  const routedBefore = before?.routed ?? true;
  const regardlessBefore = before?.routeRegardless ?? false;
  return routedBefore !== after.routed || regardlessBefore !== after.routeRegardless;
}

/** A tool, prompt or resource as the upstream listed it, kept as listed. */
export type ListedItem = Record<string, unknown>;

export interface CapabilitiesRecord {
  path: string;
  tools: ListedItem[];
  prompts: ListedItem[];
  resources: ListedItem[];
  /** Tool name → hash of its description and schemas. */
  toolHashes: Record<string, string>;
  /** ISO 8601. */
  discoveredAt: string;
}

/** How many tool changes are kept per server; older ones are dropped as new ones are recorded. */
export const TOOL_CHANGES_KEPT = 1000;

export const TOOL_CHANGE_KINDS = ['added', 'removed', 'changed'] as const;
export type ToolChangeKind = (typeof TOOL_CHANGE_KINDS)[number];

export interface NewToolChange {
  toolName: string;
  kind: ToolChangeKind;
  oldHash: string | null;
  newHash: string | null;
}

export interface ToolChange extends NewToolChange {
  id: number;
  path: string;
  /** ISO 8601. */
  detectedAt: string;
}

export const SCAN_SEVERITIES = ['high', 'medium', 'low'] as const;
export type ScanSeverity = (typeof SCAN_SEVERITIES)[number];

export interface ScanFinding {
  /** Stable rule name, e.g. `hidden-unicode`, `concealed-tag`, `name-lookalike`. */
  rule: string;
  severity: ScanSeverity;
  /** What was checked: `tool:add`, `prompt:greet`, `url`, `external`. */
  target: string;
  message: string;
}

export interface ScanRecord {
  path: string;
  /** failed when any finding is high. */
  status: 'passed' | 'failed';
  findings: ScanFinding[];
  /** ISO 8601. */
  scannedAt: string;
  /** Withheld from routing until an administrator overrides (BLOCK_UNSAFE_SERVERS). */
  blocked: boolean;
  overriddenBy: string | null;
  overriddenAt: string | null;
}

export interface HealthRepository {
  getHealth(path: string): Promise<HealthRecord | undefined>;
  listHealth(): Promise<HealthRecord[]>;
  /**
   * Replaces a server's health record with what `change` makes of the stored one (undefined before
   * the first), atomically: replicas checking one server at once do not lose each other's counts.
   * When routing changes (routed or routeRegardless differ from what was stored, or a first record is
   * not routed or routed regardless), the routes version changes in the same transaction.
   */
  updateHealth(path: string, change: (current: HealthRecord | undefined) => HealthRecord): Promise<HealthUpdate>;
  getCapabilities(path: string): Promise<CapabilitiesRecord | undefined>;
  listCapabilities(): Promise<CapabilitiesRecord[]>;
  /** Stores what a discovery found and the tool changes it implies (keeping the newest TOOL_CHANGES_KEPT), in one transaction. */
  saveCapabilities(record: CapabilitiesRecord, changes: readonly NewToolChange[]): Promise<ToolChange[]>;
  /** The newest first, at most `limit`. */
  listToolChanges(path: string, limit: number): Promise<ToolChange[]>;
  getScan(path: string): Promise<ScanRecord | undefined>;
  listScans(): Promise<ScanRecord[]>;
  /** Stores a scan; with `routingChanged` the routes version changes in the same transaction. */
  saveScan(record: ScanRecord, routingChanged: boolean): Promise<void>;
  /** Removes everything kept about a server (its deletion, which itself changed the routes version). */
  forget(path: string): Promise<void>;
}
