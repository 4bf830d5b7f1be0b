import type { RegistryProblem } from '../../errors/registry-error.js';
import { invalidAgent } from '../../errors/agent-errors.js';
import type { AgentCardVersion } from '../../store/agent-repository.js';
import type { AgentCardValidators, ErrorObject } from './agent-card-schemas.js';

/** What the registry reads out of a card: for listing, search and discovery. */
export interface AgentCardSummary {
  name: string;
  description: string;
  version: string;
  /** Where the agent is served: v0.3 `url`, v1.0 the first of `supportedInterfaces`. */
  url: string | null;
  skills: AgentSkillSummary[];
}

export interface AgentSkillSummary {
  id: string;
  name: string;
  description: string;
  tags: string[];
}

/**
 * Which A2A version a card follows: v1.0 cards list `supportedInterfaces` (the proto's JSON name,
 * or `supported_interfaces`); anything else is read as v0.3, whose cards carry `url`.
 */
export function cardVersionOf(card: Record<string, unknown>): AgentCardVersion {
  return 'supportedInterfaces' in card || 'supported_interfaces' in card ? '1.0' : '0.3';
}

/** Validates a card against its version's schema; throws REGISTRY_INVALID_AGENT with every problem. */
export function validateAgentCard(validators: AgentCardValidators, card: unknown): { version: AgentCardVersion; card: Record<string, unknown> } {
  if (typeof card !== 'object' || card === null || Array.isArray(card)) {
    throw invalidAgent([{ path: 'card', message: 'must be an A2A Agent Card object (v0.3 or v1.0)' }]);
  }
  const document = card as Record<string, unknown>;
  const version = cardVersionOf(document);
  const validate = validators[version];
  if (!validate(document)) throw invalidAgent((validate.errors ?? []).map((error) => problemOf(version, error)));
  return { version, card: document };
}

export function summarizeCard(card: Record<string, unknown>): AgentCardSummary {
  const interfaces = (card.supportedInterfaces ?? card.supported_interfaces) as Array<{ url?: unknown }> | undefined;
  const url = typeof card.url === 'string' ? card.url : typeof interfaces?.[0]?.url === 'string' ? interfaces[0].url : null;
  const skills = Array.isArray(card.skills) ? (card.skills as Array<Record<string, unknown>>) : [];
  return {
    name: stringOf(card.name),
    description: stringOf(card.description),
    version: stringOf(card.version),
    url,
    skills: skills.map((skill) => ({
      id: stringOf(skill.id),
      name: stringOf(skill.name),
      description: stringOf(skill.description),
      tags: Array.isArray(skill.tags) ? skill.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    })),
  };
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function problemOf(version: AgentCardVersion, error: ErrorObject): RegistryProblem {
  const pointer = error.instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('');
  const detail =
    error.keyword === 'required'
      ? `is missing ${String((error.params as { missingProperty?: string }).missingProperty)}`
      : error.keyword === 'additionalProperties'
        ? `has ${String((error.params as { additionalProperty?: string }).additionalProperty)}, which the A2A v${version} Agent Card does not define`
        : (error.message ?? 'is invalid');
  return { path: `card${pointer}`, message: `${detail} (A2A v${version} Agent Card schema)` };
}
