import { Router, type Request, type Response } from 'express';
import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import { RegistryError } from '../errors/registry-error.js';
import type { AgentEntry } from '../services/agents/agent-format.js';
import type { AgentService, AgentViewer } from '../services/agents/agent-service.js';
import {
  parseAgentPatch,
  parseAgentPath,
  parseAgentReplacement,
  parseAgentToggle,
  parseHeartbeat,
  parseNewAgent,
} from '../services/agents/parse-agent-input.js';
import { expectedRevision, revisionTag } from './if-match.js';
import { jsonBody } from './json-body.js';

export const AGENTS_API_PATH = '/api/agents';

export interface AgentsRouterDependencies {
  agents: AgentService;
  verifier: TokenVerifier;
  scopes: ScopesSource;
}

/**
 * /api/agents: A2A agent cards. Every route needs a valid bearer token and the UI-Scopes action for
 * the agent path it touches (list_agents, get_agent, publish_agent, modify_agent, delete_agent),
 * checked before existence; an agent hidden by its visibility reads as 404. Edits take If-Match.
 */
export function agentsRouter({ agents, verifier, scopes }: AgentsRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes), jsonBody());

  router.get('/', async (_request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_agents');
    const visible = (await agents.listVisible(agentViewerOf(caller))).filter((agent) => allowsUiAction(caller.policy, caller.scopes, 'list_agents', agent.path));
    response.json({ agents: visible });
  });

  router.get('/discover', async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'list_agents');
    const ranked = await agents.discover({ skills: queryList(request, 'skill'), tags: queryList(request, 'tag') }, agentViewerOf(caller));
    const allowed = ranked.filter(({ agent }) => allowsUiAction(caller.policy, caller.scopes, 'list_agents', agent.path));
    response.json({ agents: allowed.map(({ agent, score }) => ({ ...agent, score })) });
  });

  router.post('/', async (request, response) => {
    const caller = callerOf(response);
    requireAction(caller, 'publish_agent');
    const input = parseNewAgent(request.body);
    requireAction(caller, 'publish_agent', input.path);
    sendEntry(response.status(201), await agents.register(input, caller.identity.user));
  });

  router.post('/*path/toggle', async (request, response) => {
    const path = agentPathParam(request);
    requireAction(callerOf(response), 'modify_agent', path);
    const { enabled } = parseAgentToggle(request.body);
    sendEntry(response, await agents.toggle(path, enabled, { ifRevision: expectedRevision(request) }));
  });

  router.post('/*path/heartbeat', async (request, response) => {
    const path = agentPathParam(request);
    const caller = callerOf(response);
    const latency = parseHeartbeat(request.body);
    if (!allowsUiAction(caller.policy, caller.scopes, 'modify_agent', path)) {
      // Not found reads as not allowed: the caller learns nothing about paths it may not touch.
      const agent = await agents.get(path).catch((error: unknown) => {
        if (error instanceof RegistryError && error.code === 'REGISTRY_AGENT_NOT_FOUND') return undefined;
        throw error;
      });
      if (agent?.published_by !== caller.identity.user) {
        throw new RegistryError('REGISTRY_FORBIDDEN', 403, `only the publisher of ${path} or a caller with modify_agent on it may send its heartbeat`);
      }
    }
    const agent = await agents.heartbeat(path, latency);
    response.json({ path: agent.path, health: agent.health });
  });

  router.get('/*path', async (request, response) => {
    const path = agentPathParam(request);
    const caller = callerOf(response);
    requireAction(caller, 'get_agent', path);
    sendEntry(response, await agents.getVisible(path, agentViewerOf(caller)));
  });

  router.put('/*path', async (request, response) => {
    const path = agentPathParam(request);
    requireAction(callerOf(response), 'modify_agent', path);
    const input = parseAgentReplacement(path, request.body);
    sendEntry(response, await agents.replace(path, input, { ifRevision: expectedRevision(request) }));
  });

  router.patch('/*path', async (request, response) => {
    const path = agentPathParam(request);
    requireAction(callerOf(response), 'modify_agent', path);
    const patch = parseAgentPatch(path, request.body);
    sendEntry(response, await agents.patch(path, patch, { ifRevision: expectedRevision(request) }));
  });

  router.delete('/*path', async (request, response) => {
    const path = agentPathParam(request);
    requireAction(callerOf(response), 'delete_agent', path);
    await agents.remove(path, { ifRevision: expectedRevision(request) });
    response.status(204).end();
  });

  return router;
}

/** The caller as a viewer of agents: its groups, and where its scopes grant modify_agent. */
export function agentViewerOf(caller: Caller): AgentViewer {
  return {
    groups: caller.identity.groups,
    mayModify: (path) => allowsUiAction(caller.policy, caller.scopes, 'modify_agent', path),
  };
}

function sendEntry(response: Response, entry: AgentEntry): void {
  response.set('ETag', revisionTag(entry.revision)).json(entry);
}

/** The agent path of `/api/agents/<path...>`, canonical. */
export function agentPathParam(request: Request): string {
  const raw = (request.params as Record<string, unknown>).path;
  return parseAgentPath(Array.isArray(raw) ? raw.join('/') : String(raw ?? ''));
}

/** Every value of a repeatable query parameter (`?skill=a&skill=b`), trimmed, empty ones dropped. */
function queryList(request: Request, name: string): string[] {
  const raw = request.query[name];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values.filter((value): value is string => typeof value === 'string').map((value) => value.trim()).filter(Boolean);
}
