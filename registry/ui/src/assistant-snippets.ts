/** What a coding assistant needs to reach one server through the gateway. */
export interface ConnectionTarget {
  /** The name the assistant lists the server under. */
  name: string;
  url: string;
  /** `http` (Streamable HTTP) or `sse`. */
  transport: 'http' | 'sse';
}

export const TOKEN_PLACEHOLDER = '<YOUR_TOKEN>';
const VSCODE_TOKEN_INPUT = 'mcp-gateway-token';

export interface AssistantSnippet {
  assistant: string;
  /** Where the snippet goes. */
  where: string;
  text: string;
}

/**
 * The gateway URL of a server for an assistant: Streamable HTTP (`<gateway><path>/mcp`) when the
 * server supports it, else legacy SSE (`<gateway><path>/sse`).
 */
export function connectionTarget(gatewayUrl: string, serverPath: string, transports: readonly string[]): ConnectionTarget {
  const sseOnly = !transports.includes('streamable-http') && transports.includes('sse');
  const base = gatewayUrl.replace(/\/+$/, '');
  return {
    name: serverPath.replace(/^\/+/, '').replace(/\//g, '-'),
    url: `${base}${serverPath}${sseOnly ? '/sse' : '/mcp'}`,
    transport: sseOnly ? 'sse' : 'http',
  };
}

/** Ready-to-paste configuration for VS Code, Claude Code and Cursor; the token stays a placeholder or a prompt. */
export function assistantSnippets(target: ConnectionTarget): AssistantSnippet[] {
  const vscode = {
    inputs: [{ type: 'promptString', id: VSCODE_TOKEN_INPUT, description: 'Token for the MCP gateway', password: true }],
    servers: { [target.name]: { type: target.transport, url: target.url, headers: { Authorization: `Bearer \${input:${VSCODE_TOKEN_INPUT}}` } } },
  };
  const cursor = { mcpServers: { [target.name]: { url: target.url, headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}` } } } };
  const claude = ['claude', 'mcp', 'add', '--transport', target.transport, target.name, target.url, '--header', `Authorization: Bearer ${TOKEN_PLACEHOLDER}`]
    .map(shellWord)
    .join(' ');
  return [
    { assistant: 'VS Code', where: '.vscode/mcp.json in your workspace (VS Code asks for the token once)', text: JSON.stringify(vscode, null, 2) },
    { assistant: 'Claude Code', where: 'run in a terminal', text: claude },
    { assistant: 'Cursor', where: '~/.cursor/mcp.json (or .cursor/mcp.json in a project)', text: JSON.stringify(cursor, null, 2) },
  ];
}

/** A word as the shell reads it back unchanged: bare when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
