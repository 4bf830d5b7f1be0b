import type { AgentEntry } from './agent-format.js';

/** What GET /api/agents/discover matches: every given skill and every given tag (case-insensitive). */
export interface DiscoveryQuery {
  skills: string[];
  tags: string[];
}

/**
 * How much each signal weighs in the discovery score (they sum to 1). Health: healthy 1, unknown
 * (never sent a heartbeat) 0.5. Rating: average / 5, 0.5 when unrated. Latency (as the agent's
 * heartbeat reported it): 1 / (1 + ms / LATENCY_SCALE_MS), 0.5 when unknown.
 */
export const DISCOVERY_WEIGHTS = Object.freeze({ health: 0.5, rating: 0.3, latency: 0.2 });
export const LATENCY_SCALE_MS = 250;
const NEUTRAL = 0.5;

export interface RankedAgent {
  agent: AgentEntry;
  score: number;
}

/** Enabled, not stale, matching agents, best first (ties by path). */
export function rankAgents(agents: readonly AgentEntry[], query: DiscoveryQuery): RankedAgent[] {
  return agents
    .filter((agent) => agent.enabled && agent.health.status !== 'stale' && matches(agent, query))
    .map((agent) => ({ agent, score: Math.round(scoreOf(agent) * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || (a.agent.path < b.agent.path ? -1 : 1));
}

function scoreOf(agent: AgentEntry): number {
  const health = agent.health.status === 'healthy' ? 1 : NEUTRAL;
  const rating = agent.rating.average === null ? NEUTRAL : agent.rating.average / 5;
  const latency = agent.health.latency_ms === null ? NEUTRAL : 1 / (1 + agent.health.latency_ms / LATENCY_SCALE_MS);
  return DISCOVERY_WEIGHTS.health * health + DISCOVERY_WEIGHTS.rating * rating + DISCOVERY_WEIGHTS.latency * latency;
}

function matches(agent: AgentEntry, query: DiscoveryQuery): boolean {
  const lower = (items: readonly string[]) => items.map((item) => item.toLowerCase());
  const skillNames = new Set(lower(agent.skills.flatMap((skill) => [skill.id, skill.name])));
  const tags = new Set(lower([...agent.tags, ...agent.skills.flatMap((skill) => skill.tags)]));
  return lower(query.skills).every((skill) => skillNames.has(skill)) && lower(query.tags).every((tag) => tags.has(tag));
}
