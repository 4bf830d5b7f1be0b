import { z } from 'zod';
import { canonicalServerPath, InvalidServerPathError } from '@mcpgw/lib/paths/canonical-path.js';
import { TRUST_LEVELS, type StoredAgent } from '../../store/agent-repository.js';
import type { RatingSummary } from '../../store/rating-repository.js';
import type { Visibility } from '../../store/server-repository.js';
import type { AgentHealth } from './agent-health.js';
import { summarizeCard, type AgentSkillSummary } from './validate-agent-card.js';

/**
 * The agent entry as clients send it and as the registry answers (snake_case, as server entries):
 * the A2A card itself under `card`, the registry's own fields beside it.
 */
export const DEFAULT_TRUST_LEVEL = 'unverified';
/** Paths the agents API uses for itself: no agent can be registered there. */
export const RESERVED_AGENT_PATHS: ReadonlySet<string> = new Set(['/discover']);

export const agentPathSchema = z.string().transform((value, context) => {
  try {
    const canonical = canonicalServerPath(value);
    if (!RESERVED_AGENT_PATHS.has(canonical)) return canonical;
    context.addIssue({ code: 'custom', message: `${canonical} is used by the agents API itself; pick another path` });
  } catch (error) {
    if (!(error instanceof InvalidServerPathError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
  }
  return z.NEVER;
});

const text = z.string().trim().min(1, 'must not be empty');
/** `internal` is the original's alias for `private`. */
const visibility = z
  .enum(['public', 'group-restricted', 'private', 'internal'])
  .transform((value): Visibility => (value === 'internal' ? 'private' : value));

const fields = {
  path: agentPathSchema,
  /** Validated apart, against the A2A schema of its version. */
  card: z.unknown(),
  tags: z.array(text),
  visibility,
  allowed_groups: z.array(text),
  trust_level: z.enum(TRUST_LEVELS),
  enabled: z.boolean(),
};

export const agentInputSchema = z.strictObject({
  ...fields,
  card: fields.card.refine((card) => card !== undefined, { message: 'is required' }),
  tags: fields.tags.default([]),
  visibility: fields.visibility.default('public'),
  allowed_groups: fields.allowed_groups.default([]),
  trust_level: fields.trust_level.default(DEFAULT_TRUST_LEVEL),
  enabled: fields.enabled.default(true),
});
export type AgentInput = z.output<typeof agentInputSchema>;

export const agentPatchSchema = z.strictObject({
  path: fields.path.optional(),
  card: fields.card.optional(),
  tags: fields.tags.optional(),
  visibility: fields.visibility.optional(),
  allowed_groups: fields.allowed_groups.optional(),
  trust_level: fields.trust_level.optional(),
  enabled: fields.enabled.optional(),
});
export type AgentPatch = z.output<typeof agentPatchSchema>;

/** What an agent reports with its heartbeat. */
export const heartbeatSchema = z.strictObject({
  /** The latency the agent measured serving its own requests, in milliseconds. */
  latency_ms: z.number().min(0).max(600_000).optional(),
});

export interface AgentEntry {
  path: string;
  name: string;
  description: string;
  version: string;
  url: string | null;
  card_version: StoredAgent['cardVersion'];
  skills: AgentSkillSummary[];
  card: Record<string, unknown>;
  tags: string[];
  visibility: Visibility;
  allowed_groups: string[];
  trust_level: StoredAgent['trustLevel'];
  enabled: boolean;
  published_by: string;
  revision: number;
  registered_at: string;
  updated_at: string;
  health: AgentHealth;
  rating: RatingSummary;
}

export function toAgentEntry(agent: StoredAgent, health: AgentHealth, rating: RatingSummary): AgentEntry {
  const summary = summarizeCard(agent.card);
  return {
    path: agent.path,
    name: summary.name,
    description: summary.description,
    version: summary.version,
    url: summary.url,
    card_version: agent.cardVersion,
    skills: summary.skills,
    card: agent.card,
    tags: agent.tags,
    visibility: agent.visibility,
    allowed_groups: agent.allowedGroups,
    trust_level: agent.trustLevel,
    enabled: agent.enabled,
    published_by: agent.publishedBy,
    revision: agent.revision,
    registered_at: agent.registeredAt,
    updated_at: agent.updatedAt,
    health,
    rating,
  };
}
