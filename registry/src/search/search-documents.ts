import type { AgentEntry } from '../services/agents/agent-format.js';
import type { ServerEntry } from '../services/server-format.js';
import type { Bm25Document } from './bm25.js';

export const SEARCH_TYPES = ['server', 'tool', 'agent'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** A tool as a server's stored tool list describes it (MCP `inputSchema`, or the original's `schema`). */
export interface ToolDescription {
  name: string;
  description: string;
  inputSchema: Record<string, unknown> | null;
}

export type SearchHit =
  | { type: 'server'; path: string; name: string; description: string; tags: string[]; enabled: boolean }
  | { type: 'tool'; server_path: string; server_name: string; name: string; description: string; input_schema: Record<string, unknown> | null }
  | { type: 'agent'; path: string; name: string; description: string; tags: string[]; skills: AgentEntry['skills']; url: string | null };

/** One searchable thing: what BM25 reads, the text an embedding is made of, and what a result shows. */
export interface SearchDocument extends Bm25Document {
  hit: SearchHit;
  /** What the embeddings endpoint is given for this document. */
  embeddingText: string;
}

const NAME_WEIGHT = 3;
const TAG_WEIGHT = 2;
const TEXT_WEIGHT = 1;

export function serverDocument(server: ServerEntry): SearchDocument {
  const tags = server.tags ?? [];
  return {
    hit: { type: 'server', path: server.path, name: server.server_name, description: server.description, tags, enabled: server.enabled },
    fields: [
      { text: `${server.server_name} ${server.path}`, weight: NAME_WEIGHT },
      { text: tags.join(' '), weight: TAG_WEIGHT },
      { text: server.description, weight: TEXT_WEIGHT },
    ],
    embeddingText: `${server.server_name}. ${server.description} ${tags.join(', ')}`,
  };
}

export function toolDocuments(server: ServerEntry): SearchDocument[] {
  return toolsOf(server).map((tool) => ({
    hit: { type: 'tool', server_path: server.path, server_name: server.server_name, name: tool.name, description: tool.description, input_schema: tool.inputSchema },
    fields: [
      { text: tool.name, weight: NAME_WEIGHT },
      { text: (server.tags ?? []).join(' '), weight: TEXT_WEIGHT },
      { text: `${tool.description} ${server.server_name}`, weight: TEXT_WEIGHT },
    ],
    embeddingText: `${tool.name}: ${tool.description}`,
  }));
}

export function agentDocument(agent: AgentEntry): SearchDocument {
  const skillText = agent.skills.map((skill) => `${skill.name} ${skill.description} ${skill.tags.join(' ')}`).join(' ');
  const tags = [...agent.tags, ...agent.skills.flatMap((skill) => skill.tags)];
  return {
    hit: { type: 'agent', path: agent.path, name: agent.name, description: agent.description, tags: agent.tags, skills: agent.skills, url: agent.url },
    fields: [
      { text: `${agent.name} ${agent.path}`, weight: NAME_WEIGHT },
      { text: tags.join(' '), weight: TAG_WEIGHT },
      { text: `${agent.description} ${skillText}`, weight: TEXT_WEIGHT },
    ],
    embeddingText: `${agent.name}. ${agent.description} ${skillText}`,
  };
}

/**
 * The tools of a server's stored tool list, which is kept as submitted: MCP tool objects
 * (`name`, `description`, `inputSchema`) or the original registry's (`parsed_description.main`,
 * `schema`). Entries without a name are skipped.
 */
export function toolsOf(server: Pick<ServerEntry, 'tool_list'>): ToolDescription[] {
  const list = Array.isArray(server.tool_list) ? server.tool_list : [];
  const tools: ToolDescription[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const tool = item as Record<string, unknown>;
    if (typeof tool.name !== 'string' || tool.name === '') continue;
    const parsed = tool.parsed_description as { main?: unknown } | undefined;
    const description = typeof tool.description === 'string' ? tool.description : typeof parsed?.main === 'string' ? parsed.main : '';
    const schema = tool.inputSchema ?? tool.input_schema ?? tool.schema;
    tools.push({ name: tool.name, description, inputSchema: typeof schema === 'object' && schema !== null ? (schema as Record<string, unknown>) : null });
  }
  return tools;
}
