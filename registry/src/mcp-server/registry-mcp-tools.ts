import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { allowedTools } from '@mcpgw/lib/scopes/decide-access.js';
import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { Caller } from '../auth/authenticate-caller.js';
import { requireAction } from '../auth/require-action.js';
import { viewerOf } from '../api/viewer-of.js';
import { agentViewerOf } from '../api/agents-router.js';
import { RegistryError } from '../errors/registry-error.js';
import type { SearchService } from '../search/search-service.js';
import { toolsOf } from '../search/search-documents.js';
import type { AgentService } from '../services/agents/agent-service.js';
import { parseNewServer, parseServerPath } from '../services/parse-server-input.js';
import type { ServerEntry } from '../services/server-format.js';
import type { ServerService } from '../services/server-service.js';

export interface RegistryMcpDependencies {
  servers: ServerService;
  agents: AgentService;
  search: SearchService;
  /** The gateway's public origin: tool results say where to call each server. */
  gatewayUrl: string;
}

export const DEFAULT_TOOL_FINDER_RESULTS = 5;

/**
 * The registry's own MCP server for one caller: intelligent_tool_finder, list_services and
 * healthcheck for everyone, register_service and toggle_service only for callers whose UI-Scopes
 * grant those actions somewhere (and each call is checked for its path).
 */
export function createRegistryMcpServer(caller: Caller, dependencies: RegistryMcpDependencies): McpServer {
  const { servers, agents, search, gatewayUrl } = dependencies;
  const server = new McpServer({ name: 'mcpgw', version: '0.1.0' });
  const may = (action: 'list_service' | 'register_service' | 'toggle_service', path?: string) => allowsUiAction(caller.policy, caller.scopes, action, path);
  const listable = async (): Promise<ServerEntry[]> => (await servers.listVisible(viewerOf(caller))).filter((entry) => may('list_service', entry.path));

  server.registerTool(
    'intelligent_tool_finder',
    {
      title: 'Find tools',
      description: 'Finds the tools, among those you may call through the gateway, that best fit a task described in plain words. Answers each tool with its server path, gateway URL and input schema.',
      inputSchema: {
        query: z.string().min(1).max(500).describe('What you want to do, e.g. "what time is it in Tokyo"'),
        top_k: z.number().int().min(1).max(50).optional().describe(`How many tools to return (default ${DEFAULT_TOOL_FINDER_RESULTS})`),
      },
    },
    async ({ query, top_k }) =>
      answer(async () => {
        const callable = (await listable()).filter((entry) => entry.enabled);
        const allowed = new Map(callable.map((entry) => [entry.path, allowedTools(caller.policy, caller.scopes, entry.path)]));
        const toolFilter = (path: string, tool: string): boolean => {
          const tools = allowed.get(path);
          return tools === '*' || (tools?.has(tool) ?? false);
        };
        const found = await search.search({ query, types: ['tool'], limit: top_k ?? DEFAULT_TOOL_FINDER_RESULTS }, { servers: callable, agents: [], toolFilter });
        return {
          mode: found.mode,
          tools: found.results.flatMap((hit) =>
            hit.type === 'tool'
              ? [{ tool_name: hit.name, server_path: hit.server_path, server_name: hit.server_name, gateway_url: `${gatewayUrl}${hit.server_path}/mcp`, description: hit.description, input_schema: hit.input_schema, score: hit.score }]
              : [],
          ),
        };
      }),
  );

  server.registerTool(
    'list_services',
    { title: 'List services', description: 'Lists the MCP servers registered in the gateway that you may see, with their tools.', inputSchema: {} },
    async () =>
      answer(async () => ({
        services: (await listable()).map((entry) => ({
          path: entry.path,
          server_name: entry.server_name,
          description: entry.description,
          enabled: entry.enabled,
          tags: entry.tags,
          gateway_url: `${gatewayUrl}${entry.path}/mcp`,
          tools: toolsOf(entry).map((tool) => tool.name),
        })),
      })),
  );

  server.registerTool(
    'healthcheck',
    { title: 'Health', description: 'The registry is up; which of the servers you may see are enabled, and the heartbeat health of the agents you may see.', inputSchema: {} },
    async () =>
      answer(async () => ({
        status: 'ok',
        servers: (await listable()).map((entry) => ({ path: entry.path, enabled: entry.enabled })),
        agents: (await agents.listVisible(agentViewerOf(caller)))
          .filter((agent) => allowsUiAction(caller.policy, caller.scopes, 'list_agents', agent.path))
          .map((agent) => ({ path: agent.path, enabled: agent.enabled, health: agent.health.status })),
      })),
  );

  if (may('register_service')) {
    server.registerTool(
      'register_service',
      {
        title: 'Register a server',
        description: 'Registers an MCP server in the gateway (the registry server format: server_name, path, proxy_pass_url, description, tags, …).',
        inputSchema: { server: z.record(z.string(), z.unknown()).describe('The server entry, as POST /api/servers takes it') },
      },
      async ({ server: entry }) =>
        answer(async () => {
          const input = parseNewServer(entry);
          requireAction(caller, 'register_service', input.path);
          return servers.register(input);
        }),
    );
  }

  if (may('toggle_service')) {
    server.registerTool(
      'toggle_service',
      {
        title: 'Enable or disable a server',
        description: 'Enables or disables a registered server; without `enabled`, flips it.',
        inputSchema: { path: z.string().describe('The server path, e.g. /currenttime'), enabled: z.boolean().optional() },
      },
      async ({ path, enabled }) =>
        answer(async () => {
          const canonical = parseServerPath(path);
          requireAction(caller, 'toggle_service', canonical);
          const toggled = await servers.toggle(canonical, enabled);
          return { path: toggled.path, enabled: toggled.enabled, revision: toggled.revision };
        }),
    );
  }
  return server;
}

/** A tool's JSON answer, or a tool error carrying the registry's stable code. */
async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    const result = await work();
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result as Record<string, unknown> };
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return { isError: true, content: [{ type: 'text', text: JSON.stringify({ code: error.code, message: error.message, ...(error.problems ? { problems: error.problems } : {}) }) }] };
  }
}
