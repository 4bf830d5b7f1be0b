import { RegistryError } from '../errors/registry-error.js';
import type { AgentRepository, StoredAgent } from '../store/agent-repository.js';
import type { AgentExportPage } from './export-format.js';

/** What an exported agent carries: its card and catalogue fields, nothing about who published it or its heartbeats. */
export interface ExportedAgent {
  path: string;
  card: Record<string, unknown>;
  card_version: string;
  tags: string[];
  trust_level: string;
  visibility: 'public' | 'group-restricted';
  enabled: boolean;
  revision: number;
  registered_at: string;
  updated_at: string;
}

function isExportable(agent: StoredAgent, groups: readonly string[]): boolean {
  if (agent.visibility === 'public') return true;
  return agent.visibility === 'group-restricted' && agent.allowedGroups.some((group) => groups.includes(group));
}

function toExportedAgent(agent: StoredAgent): ExportedAgent {
  return {
    path: agent.path,
    card: agent.card,
    card_version: agent.cardVersion,
    tags: agent.tags,
    trust_level: agent.trustLevel,
    visibility: agent.visibility as ExportedAgent['visibility'],
    enabled: agent.enabled,
    revision: agent.revision,
    registered_at: agent.registeredAt,
    updated_at: agent.updatedAt,
  };
}

/**
 * One page of the agents export after `since` (the agents' own change sequence), with the rules of
 * the servers export: public agents to every peer, group-restricted ones to callers sharing a group,
 * private never; deletions, and agents that became hidden, are listed in `removed`.
 */
export async function exportAgents(agents: AgentRepository, groups: readonly string[], since: number, limit: number): Promise<AgentExportPage> {
  const latest = await agents.latestSequence();
  if (since > latest) {
    throw new RegistryError('REGISTRY_FEDERATION_CURSOR_UNKNOWN', 410, `since=${since} is past this registry's latest agent change (${latest}); pull again from since=0`);
  }
  const changes = await agents.listChangedSince(since, limit + 1);
  const page = changes.slice(0, limit);
  const exported: ExportedAgent[] = [];
  const removed: string[] = [];
  for (const change of page) {
    if (change.kind === 'delete') removed.push(change.tombstone.path);
    else if (isExportable(change.agent, groups)) exported.push(toExportedAgent(change.agent));
    else if (since > 0) removed.push(change.agent.path);
  }
  const last = page.at(-1);
  const nextSince = last === undefined ? latest : last.kind === 'delete' ? last.tombstone.sequence : last.agent.sequence;
  return { agents: exported, removed, since, next_since: nextSince, has_more: changes.length > limit };
}
