import { envInt } from '@mcpgw/lib/config/env.js';
import type { StoredAgent } from '../../store/agent-repository.js';

export const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 30;
export const DEFAULT_HEARTBEAT_MISSED_LIMIT = 3;

/** How often agents are expected to heartbeat, and how many beats they may miss before they are stale. */
export interface HeartbeatSettings {
  intervalSeconds: number;
  missedLimit: number;
}

/**
 * `healthy`: heartbeat within the allowed gap; `stale`: it missed more than `missedLimit` beats
 * (left out of discovery); `unknown`: it never sent one (heartbeats are optional).
 */
export type AgentHealthStatus = 'healthy' | 'stale' | 'unknown';

export interface AgentHealth {
  status: AgentHealthStatus;
  last_heartbeat_at: string | null;
  latency_ms: number | null;
}

/** AGENT_HEARTBEAT_INTERVAL_SECONDS (default 30) and AGENT_HEARTBEAT_MISSED_LIMIT (default 3). */
export function heartbeatSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HeartbeatSettings {
  const intervalSeconds = envInt('AGENT_HEARTBEAT_INTERVAL_SECONDS', DEFAULT_HEARTBEAT_INTERVAL_SECONDS, env);
  const missedLimit = envInt('AGENT_HEARTBEAT_MISSED_LIMIT', DEFAULT_HEARTBEAT_MISSED_LIMIT, env);
  if (intervalSeconds < 1 || missedLimit < 1) throw new Error('AGENT_HEARTBEAT_INTERVAL_SECONDS and AGENT_HEARTBEAT_MISSED_LIMIT must be at least 1');
  return Object.freeze({ intervalSeconds, missedLimit });
}

export function healthOf(agent: StoredAgent, settings: HeartbeatSettings, now: Date): AgentHealth {
  const last = agent.lastHeartbeatAt;
  if (last === null) return { status: 'unknown', last_heartbeat_at: null, latency_ms: null };
  const allowedGapMs = settings.intervalSeconds * settings.missedLimit * 1000;
  const status = now.getTime() - Date.parse(last) > allowedGapMs ? 'stale' : 'healthy';
  return { status, last_heartbeat_at: last, latency_ms: agent.latencyMs };
}
