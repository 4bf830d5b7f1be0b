import { agentNotFound, invalidAgent } from '../../errors/agent-errors.js';
import { revisionConflict } from '../../errors/registry-error.js';
import type { AgentChange, AgentFields, AgentRepository, StoredAgent } from '../../store/agent-repository.js';
import type { RatingRepository, RatingSummary } from '../../store/rating-repository.js';
import { NO_RATINGS } from '../../store/rating-repository.js';
import { checkVisibility } from '../check-visibility.js';
import { isVisibleTo, type ServerViewer } from '../server-visibility.js';
import type { AgentCardValidators } from './agent-card-schemas.js';
import { toAgentEntry, type AgentEntry, type AgentInput, type AgentPatch } from './agent-format.js';
import { healthOf, type HeartbeatSettings } from './agent-health.js';
import { rankAgents, type DiscoveryQuery, type RankedAgent } from './rank-agents.js';
import { validateAgentCard } from './validate-agent-card.js';

const AGENT_ENTRY = { noun: 'agent', invalid: invalidAgent };

export interface AgentEditOptions {
  /** The revision the caller read (If-Match), when it sent one. */
  ifRevision?: number;
}

/** Who looks at agents: groups, and where the caller may modify_agent (which shows private agents). */
export type AgentViewer = ServerViewer;

/** Agent registration, editing, heartbeats and discovery on top of the repositories. */
export interface AgentService {
  listVisible(viewer: AgentViewer): Promise<AgentEntry[]>;
  /** REGISTRY_AGENT_NOT_FOUND when there is none or the viewer may not see it. */
  getVisible(path: string, viewer: AgentViewer): Promise<AgentEntry>;
  get(path: string): Promise<AgentEntry>;
  register(input: AgentInput, publishedBy: string): Promise<AgentEntry>;
  replace(path: string, input: AgentInput, options?: AgentEditOptions): Promise<AgentEntry>;
  patch(path: string, patch: AgentPatch, options?: AgentEditOptions): Promise<AgentEntry>;
  /** Sets `enabled`, or flips it when undefined. */
  toggle(path: string, enabled: boolean | undefined, options?: AgentEditOptions): Promise<AgentEntry>;
  remove(path: string, options?: AgentEditOptions): Promise<void>;
  heartbeat(path: string, latencyMs: number | null): Promise<AgentEntry>;
  /** Enabled, fresh agents the viewer may see that match, best first. */
  discover(query: DiscoveryQuery, viewer: AgentViewer): Promise<RankedAgent[]>;
  /** Changes after a sequence number, tombstones included (incremental export for federation). */
  listChangedSince(sequence: number, limit?: number): Promise<AgentChange[]>;
}

export interface AgentServiceDependencies {
  agents: AgentRepository;
  ratings: RatingRepository;
  validators: AgentCardValidators;
  heartbeat: HeartbeatSettings;
  clock?: () => Date;
}

export function createAgentService({ agents, ratings, validators, heartbeat, clock = () => new Date() }: AgentServiceDependencies): AgentService {
  const entryOf = (agent: StoredAgent, rating: RatingSummary): AgentEntry => toAgentEntry(agent, healthOf(agent, heartbeat, clock()), rating);
  const found = async (path: string, agent: StoredAgent | undefined): Promise<AgentEntry> => {
    if (agent === undefined) throw agentNotFound(path);
    return entryOf(agent, await ratings.summary({ kind: 'agent', path }));
  };
  const listVisible = async (viewer: AgentViewer): Promise<AgentEntry[]> => {
    const summaries = await ratings.summaries('agent');
    return (await agents.list())
      .map((agent) => entryOf(agent, summaries.get(agent.path) ?? NO_RATINGS))
      .filter((agent) => isVisibleTo(agent, viewer));
  };
  const checkRevision = (path: string, options: AgentEditOptions, current: StoredAgent): void => {
    if (options.ifRevision !== undefined && options.ifRevision !== current.revision) {
      throw revisionConflict(`the agent ${path}`, options.ifRevision, current.revision);
    }
  };
  const edit = async (path: string, options: AgentEditOptions, changes: (current: StoredAgent) => Partial<AgentFields>) =>
    found(
      path,
      await agents.update(path, (current) => {
        checkRevision(path, options, current);
        return changes(current);
      }),
    );
  const fieldsOf = (input: AgentInput): Omit<AgentFields, 'publishedBy'> => {
    checkVisibility(input.visibility, input.allowed_groups, AGENT_ENTRY);
    const { version, card } = validateAgentCard(validators, input.card);
    return {
      card,
      cardVersion: version,
      tags: input.tags,
      visibility: input.visibility,
      allowedGroups: input.allowed_groups,
      trustLevel: input.trust_level,
      enabled: input.enabled,
    };
  };

  return {
    listVisible,
    getVisible: async (path, viewer) => {
      const agent = await found(path, await agents.get(path));
      if (!isVisibleTo(agent, viewer)) throw agentNotFound(path);
      return agent;
    },
    get: async (path) => found(path, await agents.get(path)),
    register: async (input, publishedBy) => found(input.path, await agents.create(input.path, { ...fieldsOf(input), publishedBy })),
    replace: async (path, input, options = {}) => {
      const fields = fieldsOf(input);
      return edit(path, options, () => fields);
    },
    patch: async (path, patch, options = {}) => {
      const card = patch.card === undefined ? undefined : validateAgentCard(validators, patch.card);
      return edit(path, options, (current) => {
        const visibility = patch.visibility ?? current.visibility;
        const allowedGroups = patch.allowed_groups ?? (visibility === 'group-restricted' ? current.allowedGroups : []);
        checkVisibility(visibility, allowedGroups, AGENT_ENTRY);
        return {
          ...(card ? { card: card.card, cardVersion: card.version } : {}),
          tags: patch.tags,
          visibility,
          allowedGroups,
          trustLevel: patch.trust_level,
          enabled: patch.enabled,
        };
      });
    },
    toggle: async (path, enabled, options = {}) => edit(path, options, (current) => ({ enabled: enabled ?? !current.enabled })),
    remove: async (path, options = {}) => {
      const removed = await agents.delete(path, (current) => checkRevision(path, options, current));
      if (!removed) throw agentNotFound(path);
      await ratings.removeAll({ kind: 'agent', path });
    },
    heartbeat: async (path, latencyMs) => {
      if (!(await agents.recordHeartbeat(path, clock(), latencyMs))) throw agentNotFound(path);
      return found(path, await agents.get(path));
    },
    discover: async (query, viewer) => rankAgents(await listVisible(viewer), query),
    listChangedSince: (sequence, limit) => agents.listChangedSince(sequence, limit),
  };
}
