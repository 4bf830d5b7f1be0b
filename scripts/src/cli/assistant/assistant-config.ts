/**
 * The MCP configuration each coding assistant reads, for one server behind the gateway. Pure: the
 * command decides where it goes. Without a token, each assistant's own way of asking for one is used
 * (VS Code prompts for it; Claude Code and Cursor read MCPGW_TOKEN from the environment).
 */
export const ASSISTANTS = ['vscode', 'claude', 'cursor'] as const;
export type Assistant = (typeof ASSISTANTS)[number];

/** Where each assistant looks for a project's MCP servers, relative to the project. */
export const PROJECT_CONFIG_FILE: Readonly<Record<Assistant, string>> = {
  vscode: '.vscode/mcp.json',
  claude: '.mcp.json',
  cursor: '.cursor/mcp.json',
};

export const TOKEN_INPUT_ID = 'mcpgw-token';

export interface ServerConfigInput {
  /** The key the server gets in the assistant's file, e.g. `currenttime`. */
  name: string;
  /** The server's MCP endpoint at the gateway, e.g. https://gateway.example.com/currenttime/mcp. */
  url: string;
  /** A bearer token to embed; undefined leaves the assistant to supply one. */
  token: string | undefined;
}

type JsonObject = Record<string, unknown>;

/** The assistant's configuration document holding just this server. */
export function assistantConfig(assistant: Assistant, input: ServerConfigInput): JsonObject {
  return mergeAssistantConfig(assistant, {}, input);
}

/** `existing` (the assistant's file as it is) with this server added or replaced; other entries stay. */
export function mergeAssistantConfig(assistant: Assistant, existing: JsonObject, input: ServerConfigInput): JsonObject {
  const authorization = `Bearer ${input.token ?? TOKEN_PLACEHOLDER[assistant]}`;
  if (assistant === 'vscode') {
    const servers = objectAt(existing, 'servers');
    const entry = { type: 'http', url: input.url, headers: { Authorization: authorization } };
    const result: JsonObject = { ...existing, servers: { ...servers, [input.name]: entry } };
    if (input.token === undefined) {
      const inputs = Array.isArray(existing.inputs) ? (existing.inputs as unknown[]) : [];
      const others = inputs.filter((item) => (item as { id?: unknown } | null)?.id !== TOKEN_INPUT_ID);
      result.inputs = [...others, { type: 'promptString', id: TOKEN_INPUT_ID, description: 'MCP gateway token (npx mcpgw token)', password: true }];
    }
    return result;
  }
  const servers = objectAt(existing, 'mcpServers');
  const entry = assistant === 'claude'
    ? { type: 'http', url: input.url, headers: { Authorization: authorization } }
    : { url: input.url, headers: { Authorization: authorization } };
  return { ...existing, mcpServers: { ...servers, [input.name]: entry } };
}

const TOKEN_PLACEHOLDER: Readonly<Record<Assistant, string>> = {
  vscode: `\${input:${TOKEN_INPUT_ID}}`,
  claude: '${MCPGW_TOKEN}',
  cursor: '${env:MCPGW_TOKEN}',
};

function objectAt(document: JsonObject, key: string): JsonObject {
  const value = document[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}
