import { RegistryError, type RegistryProblem } from './registry-error.js';

export function invalidAgent(problems: RegistryProblem[]): RegistryError {
  const summary = problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ');
  return new RegistryError('REGISTRY_INVALID_AGENT', 400, `the agent entry is invalid; fix these and retry: ${summary}`, { problems });
}

export function agentNotFound(path: string): RegistryError {
  return new RegistryError('REGISTRY_AGENT_NOT_FOUND', 404, `no agent is registered at ${path}; list agents with GET /api/agents`);
}

export function agentExists(path: string): RegistryError {
  return new RegistryError('REGISTRY_AGENT_EXISTS', 409, `an agent is already registered at ${path}; edit it with PUT or PATCH, or pick another path`);
}
