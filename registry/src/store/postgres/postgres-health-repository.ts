import type { Pool } from 'pg';
import {
  healthRoutingChanged,
  TOOL_CHANGES_KEPT,
  type CapabilitiesRecord,
  type HealthRecord,
  type HealthRepository,
  type HealthStatus,
  type ListedItem,
  type ScanFinding,
  type ScanRecord,
  type ToolChange,
  type ToolChangeKind,
} from '../health-repository.js';
import { inTransaction } from './in-transaction.js';

interface HealthRow {
  path: string;
  status: string;
  reason: string | null;
  checked_at: Date | null;
  latency_ms: number | null;
  consecutive_failures: number;
  consecutive_successes: number;
  routed: boolean;
  route_regardless: boolean;
}

interface CapabilitiesRow {
  path: string;
  tools: ListedItem[];
  prompts: ListedItem[];
  resources: ListedItem[];
  tool_hashes: Record<string, string>;
  discovered_at: Date;
}

interface ToolChangeRow {
  id: string;
  path: string;
  tool_name: string;
  kind: string;
  old_hash: string | null;
  new_hash: string | null;
  detected_at: Date;
}

interface ScanRow {
  path: string;
  status: string;
  findings: ScanFinding[];
  scanned_at: Date;
  blocked: boolean;
  overridden_by: string | null;
  overridden_at: Date | null;
}

const BUMP_VERSION = 'UPDATE routes_version SET counter = counter + 1 WHERE id = 1';
const UPSERT_HEALTH = `INSERT INTO server_health
  (path, status, reason, checked_at, latency_ms, consecutive_failures, consecutive_successes, routed, route_regardless)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (path) DO UPDATE SET status = excluded.status, reason = excluded.reason, checked_at = excluded.checked_at,
    latency_ms = excluded.latency_ms, consecutive_failures = excluded.consecutive_failures,
    consecutive_successes = excluded.consecutive_successes, routed = excluded.routed, route_regardless = excluded.route_regardless`;
const UPSERT_CAPABILITIES = `INSERT INTO server_capabilities (path, tools, prompts, resources, tool_hashes, discovered_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (path) DO UPDATE SET tools = excluded.tools, prompts = excluded.prompts, resources = excluded.resources,
    tool_hashes = excluded.tool_hashes, discovered_at = excluded.discovered_at`;
const INSERT_CHANGE = `INSERT INTO tool_changes (path, tool_name, kind, old_hash, new_hash, detected_at)
  VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`;
const UPSERT_SCAN = `INSERT INTO security_scans (path, status, findings, scanned_at, blocked, overridden_by, overridden_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (path) DO UPDATE SET status = excluded.status, findings = excluded.findings, scanned_at = excluded.scanned_at,
    blocked = excluded.blocked, overridden_by = excluded.overridden_by, overridden_at = excluded.overridden_at`;

/**
 * The HealthRepository on PostgreSQL. A write that changes routing locks the previous row (FOR UPDATE)
 * and bumps the routes version in its transaction, so every replica's gateways see the change.
 */
export function postgresHealthRepository(pool: Pool): HealthRepository {
  return {
    getHealth: async (path) => {
      const { rows } = await pool.query<HealthRow>('SELECT * FROM server_health WHERE path = $1', [path]);
      return rows[0] === undefined ? undefined : fromHealthRow(rows[0]);
    },
    listHealth: async () => (await pool.query<HealthRow>('SELECT * FROM server_health ORDER BY path')).rows.map(fromHealthRow),
    updateHealth: (path, change) =>
      inTransaction(pool, async (client) => {
        // Locks an existing record; of two replicas writing a server's first record at once, the later wins.
        const row = (await client.query<HealthRow>('SELECT * FROM server_health WHERE path = $1 FOR UPDATE', [path])).rows[0];
        const before = row === undefined ? undefined : fromHealthRow(row);
        const after = { ...change(before), path };
        await client.query(UPSERT_HEALTH, [
          after.path,
          after.status,
          after.reason,
          after.checkedAt,
          after.latencyMs,
          after.consecutiveFailures,
          after.consecutiveSuccesses,
          after.routed,
          after.routeRegardless,
        ]);
        if (healthRoutingChanged(before, after)) await client.query(BUMP_VERSION);
        return { before, after };
      }),
    getCapabilities: async (path) => {
      const { rows } = await pool.query<CapabilitiesRow>('SELECT * FROM server_capabilities WHERE path = $1', [path]);
      return rows[0] === undefined ? undefined : fromCapabilitiesRow(rows[0]);
    },
    listCapabilities: async () => (await pool.query<CapabilitiesRow>('SELECT * FROM server_capabilities ORDER BY path')).rows.map(fromCapabilitiesRow),
    saveCapabilities: (record, changes) =>
      inTransaction(pool, async (client) => {
        await client.query(UPSERT_CAPABILITIES, [
          record.path,
          JSON.stringify(record.tools),
          JSON.stringify(record.prompts),
          JSON.stringify(record.resources),
          JSON.stringify(record.toolHashes),
          record.discoveredAt,
        ]);
        const stored: ToolChange[] = [];
        for (const change of changes) {
          const { rows } = await client.query<ToolChangeRow>(INSERT_CHANGE, [record.path, change.toolName, change.kind, change.oldHash, change.newHash, record.discoveredAt]);
          stored.push(fromChangeRow(rows[0] as ToolChangeRow));
        }
        if (stored.length > 0) {
          await client.query(
            'DELETE FROM tool_changes WHERE path = $1 AND id <= (SELECT id FROM tool_changes WHERE path = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)',
            [record.path, TOOL_CHANGES_KEPT],
          );
        }
        return stored;
      }),
    listToolChanges: async (path, limit) =>
      (await pool.query<ToolChangeRow>('SELECT * FROM tool_changes WHERE path = $1 ORDER BY id DESC LIMIT $2', [path, limit])).rows.map(fromChangeRow),
    getScan: async (path) => {
      const { rows } = await pool.query<ScanRow>('SELECT * FROM security_scans WHERE path = $1', [path]);
      return rows[0] === undefined ? undefined : fromScanRow(rows[0]);
    },
    listScans: async () => (await pool.query<ScanRow>('SELECT * FROM security_scans ORDER BY path')).rows.map(fromScanRow),
    saveScan: (record, routingChanged) =>
      inTransaction(pool, async (client) => {
        await client.query(UPSERT_SCAN, [
          record.path,
          record.status,
          JSON.stringify(record.findings),
          record.scannedAt,
          record.blocked,
          record.overriddenBy,
          record.overriddenAt,
        ]);
        if (routingChanged) await client.query(BUMP_VERSION);
      }),
    forget: (path) =>
      inTransaction(pool, async (client) => {
        for (const table of ['server_health', 'server_capabilities', 'tool_changes', 'security_scans']) {
          await client.query(`DELETE FROM ${table} WHERE path = $1`, [path]);
        }
      }),
  };
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

function fromHealthRow(row: HealthRow): HealthRecord {
  return {
    path: row.path,
    status: row.status as HealthStatus,
    reason: row.reason,
    checkedAt: iso(row.checked_at),
    latencyMs: row.latency_ms,
    consecutiveFailures: row.consecutive_failures,
    consecutiveSuccesses: row.consecutive_successes,
    routed: row.routed,
    routeRegardless: row.route_regardless,
  };
}

function fromCapabilitiesRow(row: CapabilitiesRow): CapabilitiesRecord {
  return {
    path: row.path,
    tools: row.tools,
    prompts: row.prompts,
    resources: row.resources,
    toolHashes: row.tool_hashes,
    discoveredAt: row.discovered_at.toISOString(),
  };
}

function fromChangeRow(row: ToolChangeRow): ToolChange {
  return {
    id: Number(row.id),
    path: row.path,
    toolName: row.tool_name,
    kind: row.kind as ToolChangeKind,
    oldHash: row.old_hash,
    newHash: row.new_hash,
    detectedAt: row.detected_at.toISOString(),
  };
}

function fromScanRow(row: ScanRow): ScanRecord {
  return {
    path: row.path,
    status: row.status as ScanRecord['status'],
    findings: row.findings,
    scannedAt: row.scanned_at.toISOString(),
    blocked: row.blocked,
    overriddenBy: row.overridden_by,
    overriddenAt: iso(row.overridden_at),
  };
}
