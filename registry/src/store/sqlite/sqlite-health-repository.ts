import type { Database, Statement } from 'better-sqlite3';
import {
  healthRoutingChanged,
  TOOL_CHANGES_KEPT,
  type CapabilitiesRecord,
  type HealthRecord,
  type HealthUpdate,
  type HealthRepository,
  type HealthStatus,
  type ListedItem,
  type NewToolChange,
  type ScanFinding,
  type ScanRecord,
  type ToolChange,
  type ToolChangeKind,
} from '../health-repository.js';

interface HealthRow {
  path: string;
  status: string;
  reason: string | null;
  checked_at: string | null;
  latency_ms: number | null;
  consecutive_failures: number;
  consecutive_successes: number;
  routed: number;
  route_regardless: number;
}

interface CapabilitiesRow {
  path: string;
  tools: string;
  prompts: string;
  resources: string;
  tool_hashes: string;
  discovered_at: string;
}

interface ToolChangeRow {
  id: number;
  path: string;
  tool_name: string;
  kind: string;
  old_hash: string | null;
  new_hash: string | null;
  detected_at: string;
}

interface ScanRow {
  path: string;
  status: string;
  findings: string;
  scanned_at: string;
  blocked: number;
  overridden_by: string | null;
  overridden_at: string | null;
}

const BUMP_VERSION = 'UPDATE routes_version SET counter = counter + 1 WHERE id = 1';

/** The HealthRepository on an open, migrated SQLite database; writes that change routing bump the routes version with them. */
export function sqliteHealthRepository(db: Database): HealthRepository {
  const selectHealth: Statement<[string], HealthRow> = db.prepare('SELECT * FROM server_health WHERE path = ?');
  const selectAllHealth: Statement<[], HealthRow> = db.prepare('SELECT * FROM server_health ORDER BY path');
  const upsertHealth: Statement<HealthRow> = db.prepare(`INSERT INTO server_health
    (path, status, reason, checked_at, latency_ms, consecutive_failures, consecutive_successes, routed, route_regardless)
    VALUES (@path, @status, @reason, @checked_at, @latency_ms, @consecutive_failures, @consecutive_successes, @routed, @route_regardless)
    ON CONFLICT (path) DO UPDATE SET status = excluded.status, reason = excluded.reason, checked_at = excluded.checked_at,
      latency_ms = excluded.latency_ms, consecutive_failures = excluded.consecutive_failures,
      consecutive_successes = excluded.consecutive_successes, routed = excluded.routed, route_regardless = excluded.route_regardless`);
  const selectCapabilities: Statement<[string], CapabilitiesRow> = db.prepare('SELECT * FROM server_capabilities WHERE path = ?');
  const selectAllCapabilities: Statement<[], CapabilitiesRow> = db.prepare('SELECT * FROM server_capabilities ORDER BY path');
  const upsertCapabilities: Statement<CapabilitiesRow> = db.prepare(`INSERT INTO server_capabilities
    (path, tools, prompts, resources, tool_hashes, discovered_at) VALUES (@path, @tools, @prompts, @resources, @tool_hashes, @discovered_at)
    ON CONFLICT (path) DO UPDATE SET tools = excluded.tools, prompts = excluded.prompts, resources = excluded.resources,
      tool_hashes = excluded.tool_hashes, discovered_at = excluded.discovered_at`);
  const insertChange: Statement<Omit<ToolChangeRow, 'id'>> = db.prepare(`INSERT INTO tool_changes
    (path, tool_name, kind, old_hash, new_hash, detected_at) VALUES (@path, @tool_name, @kind, @old_hash, @new_hash, @detected_at)`);
  const pruneChanges: Statement<[string, string, number]> = db.prepare(
    'DELETE FROM tool_changes WHERE path = ? AND id <= (SELECT id FROM tool_changes WHERE path = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
  );
  const selectChanges: Statement<[string, number], ToolChangeRow> = db.prepare(
    'SELECT * FROM tool_changes WHERE path = ? ORDER BY id DESC LIMIT ?',
  );
  const selectScan: Statement<[string], ScanRow> = db.prepare('SELECT * FROM security_scans WHERE path = ?');
  const selectAllScans: Statement<[], ScanRow> = db.prepare('SELECT * FROM security_scans ORDER BY path');
  const upsertScan: Statement<ScanRow> = db.prepare(`INSERT INTO security_scans
    (path, status, findings, scanned_at, blocked, overridden_by, overridden_at)
    VALUES (@path, @status, @findings, @scanned_at, @blocked, @overridden_by, @overridden_at)
    ON CONFLICT (path) DO UPDATE SET status = excluded.status, findings = excluded.findings, scanned_at = excluded.scanned_at,
      blocked = excluded.blocked, overridden_by = excluded.overridden_by, overridden_at = excluded.overridden_at`);
  const bumpVersion = db.prepare(BUMP_VERSION);
  const forgetStatements = ['server_health', 'server_capabilities', 'tool_changes', 'security_scans'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE path = ?`),
  );

  const updateHealth = db.transaction((path: string, change: (current: HealthRecord | undefined) => HealthRecord): HealthUpdate => {
    const row = selectHealth.get(path);
    const before = row === undefined ? undefined : fromHealthRow(row);
    const after = { ...change(before), path };
    upsertHealth.run(toHealthRow(after));
    if (healthRoutingChanged(before, after)) bumpVersion.run();
    return { before, after };
  });
  const saveCapabilities = db.transaction((record: CapabilitiesRecord, changes: readonly NewToolChange[]): ToolChange[] => {
    upsertCapabilities.run({
      path: record.path,
      tools: JSON.stringify(record.tools),
      prompts: JSON.stringify(record.prompts),
      resources: JSON.stringify(record.resources),
      tool_hashes: JSON.stringify(record.toolHashes),
      discovered_at: record.discoveredAt,
    });
    const stored = changes.map((change) => {
      const row = { path: record.path, tool_name: change.toolName, kind: change.kind, old_hash: change.oldHash, new_hash: change.newHash, detected_at: record.discoveredAt };
      const id = Number(insertChange.run(row).lastInsertRowid);
      return fromChangeRow({ ...row, id });
    });
    if (stored.length > 0) pruneChanges.run(record.path, record.path, TOOL_CHANGES_KEPT);
    return stored;
  });
  const saveScan = db.transaction((record: ScanRecord, routingChanged: boolean) => {
    upsertScan.run({
      path: record.path,
      status: record.status,
      findings: JSON.stringify(record.findings),
      scanned_at: record.scannedAt,
      blocked: Number(record.blocked),
      overridden_by: record.overriddenBy,
      overridden_at: record.overriddenAt,
    });
    if (routingChanged) bumpVersion.run();
  });
  const forget = db.transaction((path: string) => {
    for (const statement of forgetStatements) statement.run(path);
  });

  return {
    getHealth: async (path) => {
      const row = selectHealth.get(path);
      return row === undefined ? undefined : fromHealthRow(row);
    },
    listHealth: async () => selectAllHealth.all().map(fromHealthRow),
    updateHealth: async (path, change) => updateHealth.immediate(path, change),
    getCapabilities: async (path) => {
      const row = selectCapabilities.get(path);
      return row === undefined ? undefined : fromCapabilitiesRow(row);
    },
    listCapabilities: async () => selectAllCapabilities.all().map(fromCapabilitiesRow),
    saveCapabilities: async (record, changes) => saveCapabilities.immediate(record, changes),
    listToolChanges: async (path, limit) => selectChanges.all(path, limit).map(fromChangeRow),
    getScan: async (path) => {
      const row = selectScan.get(path);
      return row === undefined ? undefined : fromScanRow(row);
    },
    listScans: async () => selectAllScans.all().map(fromScanRow),
    saveScan: async (record, routingChanged) => saveScan.immediate(record, routingChanged),
    forget: async (path) => forget.immediate(path),
  };
}

function toHealthRow(record: HealthRecord): HealthRow {
  return {
    path: record.path,
    status: record.status,
    reason: record.reason,
    checked_at: record.checkedAt,
    latency_ms: record.latencyMs,
    consecutive_failures: record.consecutiveFailures,
    consecutive_successes: record.consecutiveSuccesses,
    routed: Number(record.routed),
    route_regardless: Number(record.routeRegardless),
  };
}

function fromHealthRow(row: HealthRow): HealthRecord {
  return {
    path: row.path,
    status: row.status as HealthStatus,
    reason: row.reason,
    checkedAt: row.checked_at,
    latencyMs: row.latency_ms,
    consecutiveFailures: row.consecutive_failures,
    consecutiveSuccesses: row.consecutive_successes,
    routed: row.routed === 1,
    routeRegardless: row.route_regardless === 1,
  };
}

function fromCapabilitiesRow(row: CapabilitiesRow): CapabilitiesRecord {
  return {
    path: row.path,
    tools: JSON.parse(row.tools) as ListedItem[],
    prompts: JSON.parse(row.prompts) as ListedItem[],
    resources: JSON.parse(row.resources) as ListedItem[],
    toolHashes: JSON.parse(row.tool_hashes) as Record<string, string>,
    discoveredAt: row.discovered_at,
  };
}

function fromChangeRow(row: ToolChangeRow): ToolChange {
  return {
    id: row.id,
    path: row.path,
    toolName: row.tool_name,
    kind: row.kind as ToolChangeKind,
    oldHash: row.old_hash,
    newHash: row.new_hash,
    detectedAt: row.detected_at,
  };
}

function fromScanRow(row: ScanRow): ScanRecord {
  return {
    path: row.path,
    status: row.status as ScanRecord['status'],
    findings: JSON.parse(row.findings) as ScanFinding[],
    scannedAt: row.scanned_at,
    blocked: row.blocked === 1,
    overriddenBy: row.overridden_by,
    overriddenAt: row.overridden_at,
  };
}
