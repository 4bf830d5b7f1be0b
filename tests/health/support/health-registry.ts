import type { HealthSettings } from '../../../registry/src/health/health-settings.js';
import type { HealthOptions } from '../../../registry/src/health/start-health.js';
import type { ScanSettings } from '../../../registry/src/scan/scan-settings.js';
import type { RegistryBackend } from '../../registry/support/registry-backends.js';
import { startTestRegistry, type TestRegistry } from '../../registry/support/test-registry.js';

const EVERY_ACTION = [
  'list_service', 'register_service', 'toggle_service', 'modify_service', 'delete_service', 'health_check_service', 'view_scopes', 'modify_scopes',
];

/**
 * `admins` may do everything; `checkers` list and run health checks; `viewers` only list; `outsiders`
 * list only /elsewhere; `team-a` lists everything but sees group-restricted servers only of team-a.
 */
export const HEALTH_SCOPES = `
group_mappings:
  admins: [health-admin]
  checkers: [health-checker]
  viewers: [health-viewer]
  outsiders: [outsider]
  team-a: [health-viewer]
UI-Scopes:
  health-admin:
${EVERY_ACTION.map((action) => `    ${action}: [all]`).join('\n')}
  health-checker:
    list_service: [all]
    health_check_service: [all]
  health-viewer:
    list_service: [all]
  outsider:
    list_service: [/elsewhere]
# Granted only through a token's scope claim: MCP access to every server, for discovery checks.
health-all-servers:
  - server: '*'
    methods: [all]
    tools: [all]
`;

export const TEST_HEALTH_SETTINGS: HealthSettings = {
  intervalMs: 0,
  timeoutMs: 5000,
  failuresToWithdraw: 2,
  successesToRestore: 2,
  allowLinkLocal: false,
};

export const TEST_SCAN_SETTINGS: ScanSettings = { blockUnsafe: false, urlAllow: [], urlDeny: [], command: undefined, timeoutSeconds: 5 };

export interface HealthRegistryOptions {
  backend?: RegistryBackend;
  health?: Partial<HealthSettings>;
  scan?: Partial<ScanSettings>;
  eventsKeepAliveMs?: number;
  upstreamHeaders?: HealthOptions['upstreamHeaders'];
}

/** A registry with the health scopes, periodic checks off unless asked for, and test settings. */
export function startHealthRegistry(options: HealthRegistryOptions = {}): Promise<TestRegistry> {
  return startTestRegistry(HEALTH_SCOPES, {
    backend: options.backend ?? 'sqlite',
    registry: {
      health: {
        settings: { ...TEST_HEALTH_SETTINGS, ...options.health },
        scan: { ...TEST_SCAN_SETTINGS, ...options.scan },
        ...(options.upstreamHeaders ? { upstreamHeaders: options.upstreamHeaders } : {}),
      },
      ...(options.eventsKeepAliveMs === undefined ? {} : { eventsKeepAliveMs: options.eventsKeepAliveMs }),
    },
  });
}
