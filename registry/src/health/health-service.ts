import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { serverNotFound } from '../errors/registry-error.js';
import type { EventBus } from '../events/event-bus.js';
import { SERVER_EVENT_TYPES, serverAudience } from '../events/publish-changes.js';
import { recordDiscovery, type DiscoveryRecorded } from '../discovery/record-discovery.js';
import { applyScan, overrideScan } from '../scan/apply-scan.js';
import type { ScanSettings } from '../scan/scan-settings.js';
import { toServerEntry } from '../services/server-format.js';
import type { CapabilitiesRecord, HealthRecord, HealthRepository, ScanRecord, ToolChange } from '../store/health-repository.js';
import type { ServerRepository, StoredServer } from '../store/server-repository.js';
import { applyHysteresis, initialHealth } from './apply-hysteresis.js';
import { checkServer, type CheckOutcome } from './check-server.js';
import type { HealthSettings } from './health-settings.js';
import { healthView, scanView, toolChangeView } from './health-views.js';
import { isWithheld } from './withheld-routes.js';

/** What a metrics module (or anything else) may observe; nothing here depends on it. */
export interface HealthObservers {
  onHealthCheck?(result: { path: string; outcome: CheckOutcome }): void;
  onDiscovery?(result: { path: string; tools: number; prompts: number; resources: number; changes: number }): void;
}

export interface HealthServiceDependencies extends HealthObservers {
  servers: ServerRepository;
  health: HealthRepository;
  events: EventBus;
  settings: HealthSettings;
  scan: ScanSettings;
  logger: Logger;
  clock?: () => Date;
  /** Headers for a server's upstream (its credential); none by default. */
  upstreamHeaders?(server: StoredServer): Promise<Record<string, string>>;
}

export interface CheckRequest {
  /** List tools, prompts and resources and scan them even when nothing suggests it. */
  force?: boolean;
  /**
   * Start the streaks afresh (the server was registered or its entry edited): earlier failures were
   * of what the entry said before, so the server is routed until this entry fails in its own right.
   */
  fresh?: boolean;
}

export interface HealthService {
  /** Checks one server now (discovery and scan when it turns healthy, or with force). */
  check(path: string, request?: CheckRequest): Promise<HealthRecord>;
  /** One round: every enabled server, a few at a time. */
  checkAll(): Promise<void>;
  health(path: string): Promise<HealthRecord>;
  setRouteRegardless(path: string, routeRegardless: boolean): Promise<HealthRecord>;
  capabilities(path: string): Promise<CapabilitiesRecord | undefined>;
  toolChanges(path: string, limit: number): Promise<ToolChange[]>;
  scan(path: string): Promise<ScanRecord | undefined>;
  /** An administrator lets a blocked server through; undefined when it was never scanned. */
  overrideScan(path: string, by: string): Promise<ScanRecord | undefined>;
  /** The paths the route feed must leave out. */
  withheldPaths(): Promise<Set<string>>;
  forget(path: string): Promise<void>;
  /** Cancels checks in progress and waits for them to finish. */
  close(): Promise<void>;
}

const ROUND_CONCURRENCY = 4;

export function createHealthService(dependencies: HealthServiceDependencies): HealthService {
  const { servers, health, events, settings, scan: scanSettings, logger } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());
  const headersOf = dependencies.upstreamHeaders ?? (async () => ({}));
  const closing = new AbortController();
  /** One check (or forget) per server at a time: one asked for while another runs waits for it. */
  const tails = new Map<string, Promise<unknown>>();

  const existing = async (path: string): Promise<StoredServer> => {
    const server = await servers.get(path);
    if (server === undefined) throw serverNotFound(path);
    return server;
  };
  const publish = (type: string, server: StoredServer, data: Record<string, unknown>): void => {
    events.publish({ type, audience: serverAudience(toServerEntry(server)), data: { path: server.path, ...data } });
  };

  const runCheck = async (path: string, request: CheckRequest): Promise<HealthRecord> => {
    const server = await existing(path);
    const stored = await health.getHealth(path);
    const known = await health.getCapabilities(path);
    const discover = request.force === true || stored?.status !== 'healthy' || known === undefined;
    const outcome = await checkServer(server, {
      timeoutMs: settings.timeoutMs,
      headers: await headersOf(server),
      discover,
      allowLinkLocal: settings.allowLinkLocal,
      signal: closing.signal,
    });
    if (closing.signal.aborted) return stored ?? initialHealth(path);
    dependencies.onHealthCheck?.({ path, outcome });
    const { before = initialHealth(path), after: next } = await health.updateHealth(path, (current) => {
      const previous = request.fresh === true || current === undefined ? { ...initialHealth(path), routeRegardless: current?.routeRegardless ?? false } : current;
      return applyHysteresis(previous, outcome, clock(), settings);
    });
    if (next.status !== before.status || next.routed !== before.routed) {
      publish(SERVER_EVENT_TYPES.health, server, { health: healthView(next) });
    }
    if (outcome.discoveryError !== undefined) {
      logger.warn({ path, reason: outcome.discoveryError }, `${path} answers ping but listing its tools, prompts or resources failed`);
    }
    if (outcome.capabilities !== undefined) {
      const discovery = await recordDiscovery(health, path, outcome.capabilities, clock());
      reportDiscovery(server, discovery);
      if (request.force === true || discovery.first || discovery.changes.length > 0 || (await health.getScan(path)) === undefined) {
        await scanNow(server, discovery);
      }
    }
    return next;
  };

  const reportDiscovery = (server: StoredServer, discovery: DiscoveryRecorded): void => {
    const { record, changes } = discovery;
    dependencies.onDiscovery?.({ path: server.path, tools: record.tools.length, prompts: record.prompts.length, resources: record.resources.length, changes: changes.length });
    if (changes.length > 0) {
      logger.warn({ path: server.path, changes: changes.map((change) => `${change.kind} ${change.toolName}`) }, `the tools of ${server.path} changed`);
      publish(SERVER_EVENT_TYPES.tools, server, { changes: changes.map(toolChangeView) });
    }
  };

  const scanNow = async (server: StoredServer, discovery: DiscoveryRecorded): Promise<void> => {
    const { record: listed, changes } = discovery;
    const applied = await applyScan({ health, servers }, server, listed, changes.length > 0, scanSettings, clock());
    if (applied.record.status === 'failed') {
      logger.warn({ path: server.path, findings: applied.record.findings.length, blocked: applied.record.blocked }, `the security scan of ${server.path} failed`);
    }
    if (applied.previous?.status !== applied.record.status || applied.previous.blocked !== applied.record.blocked) {
      publish(SERVER_EVENT_TYPES.scan, server, { scan: scanView(applied.record) });
    }
    if (applied.disabled) publish(SERVER_EVENT_TYPES.toggled, applied.disabled, { server: toServerEntry(applied.disabled) });
  };

  const serially = <T>(path: string, work: () => Promise<T>): Promise<T> => {
    const run = (tails.get(path) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    tails.set(path, tail);
    void tail.then(() => {
      if (tails.get(path) === tail) tails.delete(path);
    });
    return run;
  };
  const check = (path: string, request: CheckRequest = {}): Promise<HealthRecord> => serially(path, () => runCheck(path, request));

  return {
    check,
    checkAll: async () => {
      const queue = (await servers.list()).filter((server) => server.enabled).map((server) => server.path);
      const worker = async (): Promise<void> => {
        for (let path = queue.shift(); path !== undefined && !closing.signal.aborted; path = queue.shift()) {
          await check(path).catch((error: unknown) => logger.error({ err: error, path }, `the health check of ${path} failed`));
        }
      };
      await Promise.all(Array.from({ length: ROUND_CONCURRENCY }, worker));
    },
    health: async (path) => {
      await existing(path);
      return (await health.getHealth(path)) ?? initialHealth(path);
    },
    setRouteRegardless: async (path, routeRegardless) => {
      const server = await existing(path);
      const { before, after } = await health.updateHealth(path, (current) => ({ ...(current ?? initialHealth(path)), routeRegardless }));
      if ((before?.routeRegardless ?? false) !== routeRegardless) publish(SERVER_EVENT_TYPES.health, server, { health: healthView(after) });
      return after;
    },
    capabilities: async (path) => {
      await existing(path);
      return health.getCapabilities(path);
    },
    toolChanges: async (path, limit) => {
      await existing(path);
      return health.listToolChanges(path, limit);
    },
    scan: async (path) => {
      await existing(path);
      return health.getScan(path);
    },
    overrideScan: async (path, by) => {
      const server = await existing(path);
      const current = await health.getScan(path);
      if (current === undefined) return undefined;
      const { record, enabled } = await overrideScan({ health, servers }, current, by, scanSettings, clock());
      publish(SERVER_EVENT_TYPES.scan, server, { scan: scanView(record) });
      if (enabled) publish(SERVER_EVENT_TYPES.toggled, enabled, { server: toServerEntry(enabled) });
      return record;
    },
    withheldPaths: async () => {
      const [records, scans] = await Promise.all([health.listHealth(), scanSettings.blockUnsafe ? health.listScans() : Promise.resolve([])]);
      const healthOf = new Map(records.map((record) => [record.path, record]));
      const scanOf = new Map(scans.map((record) => [record.path, record]));
      const paths = (await servers.list()).map((server) => server.path);
      return new Set(paths.filter((path) => isWithheld(healthOf.get(path), scanOf.get(path), scanSettings.blockUnsafe)));
    },
    forget: (path) => serially(path, () => health.forget(path)),
    close: async () => {
      closing.abort();
      await Promise.all([...tails.values()]);
    },
  };
}
