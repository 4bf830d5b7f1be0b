import type { z } from 'zod';
import { invalidAgent } from '../../errors/agent-errors.js';
import type { RegistryProblem } from '../../errors/registry-error.js';
import { agentInputSchema, agentPatchSchema, agentPathSchema, heartbeatSchema, type AgentInput, type AgentPatch } from './agent-format.js';

/** Validation of agent requests at the edge: the parsed input, or REGISTRY_INVALID_AGENT listing every problem. */

export function parseNewAgent(body: unknown): AgentInput {
  return parse(agentInputSchema, requireObject(body));
}

/** A PUT: a complete entry whose `path`, when given, is the URL's. */
export function parseAgentReplacement(urlPath: string, body: unknown): AgentInput {
  const input = parse(agentInputSchema, { path: urlPath, ...requireObject(body) });
  requireSamePath(urlPath, input.path);
  return input;
}

export function parseAgentPatch(urlPath: string, body: unknown): AgentPatch {
  const patch = parse(agentPatchSchema, requireObject(body));
  if (patch.path !== undefined) requireSamePath(urlPath, patch.path);
  return patch;
}

/** The optional body of a toggle; undefined `enabled` means flip. */
export function parseAgentToggle(body: unknown): { enabled?: boolean } {
  if (body === undefined || body === null) return {};
  const { enabled } = requireObject(body);
  if (enabled === undefined || typeof enabled === 'boolean') return enabled === undefined ? {} : { enabled };
  throw invalidAgent([{ path: 'enabled', message: 'must be true or false, or left out to flip' }]);
}

/** The latency a heartbeat reports, or null; an empty body is a heartbeat without one. */
export function parseHeartbeat(body: unknown): number | null {
  if (body === undefined || body === null) return null;
  return parse(heartbeatSchema, requireObject(body)).latency_ms ?? null;
}

export function parseAgentPath(text: string): string {
  const result = agentPathSchema.safeParse(text);
  if (!result.success) throw invalidAgent(result.error.issues.map((issue) => ({ path: 'path', message: issue.message })));
  return result.data;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidAgent([{ path: '', message: 'send a JSON object with Content-Type: application/json' }]);
  }
  return body as Record<string, unknown>;
}

function requireSamePath(urlPath: string, bodyPath: string): void {
  if (bodyPath !== urlPath) {
    throw invalidAgent([{ path: 'path', message: `must be ${urlPath} (the path in the URL) or be left out` }]);
  }
}

function parse<T extends z.ZodType>(schema: T, document: unknown): z.output<T> {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  throw invalidAgent(result.error.issues.flatMap(toProblems));
}

function toProblems(issue: z.core.$ZodIssue): RegistryProblem[] {
  const where = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: where ? `${where}.${key}` : key, message: 'unknown key; an agent entry has path, card, tags, visibility, allowed_groups, trust_level and enabled' }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ path: where, message: 'is required' }];
  return [{ path: where, message: issue.message }];
}
