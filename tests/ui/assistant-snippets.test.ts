import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assistantSnippets, connectionTarget, TOKEN_PLACEHOLDER } from '../../registry/ui/src/assistant-snippets.js';

describe('assistant configuration snippets', () => {
  test('the gateway URL of a server: Streamable HTTP when it has it, else SSE', () => {
    const cases: Array<[string[], string, 'http' | 'sse']> = [
      [['streamable-http'], 'https://gw.example/team/weather/mcp', 'http'],
      [['sse', 'streamable-http'], 'https://gw.example/team/weather/mcp', 'http'],
      [['sse'], 'https://gw.example/team/weather/sse', 'sse'],
      [['websocket'], 'https://gw.example/team/weather/mcp', 'http'],
    ];
    for (const [transports, url, transport] of cases) {
      assert.deepEqual(connectionTarget('https://gw.example/', '/team/weather', transports), { name: 'team-weather', url, transport }, transports.join(','));
    }
  });

  test('VS Code prompts for the token; Claude Code and Cursor carry a placeholder', () => {
    const [vscode, claude, cursor] = assistantSnippets({ name: 'notes', url: 'https://gw.example/notes/sse', transport: 'sse' });
    assert.deepEqual(JSON.parse(vscode?.text ?? ''), {
      inputs: [{ type: 'promptString', id: 'mcp-gateway-token', description: 'Token for the MCP gateway', password: true }],
      servers: { notes: { type: 'sse', url: 'https://gw.example/notes/sse', headers: { Authorization: 'Bearer ${input:mcp-gateway-token}' } } },
    });
    assert.equal(claude?.text, `claude mcp add --transport sse notes https://gw.example/notes/sse --header 'Authorization: Bearer ${TOKEN_PLACEHOLDER}'`);
    assert.deepEqual(JSON.parse(cursor?.text ?? ''), { mcpServers: { notes: { url: 'https://gw.example/notes/sse', headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}` } } } });
  });

  test('the Claude Code command quotes what the shell would otherwise read differently', () => {
    const [, claude] = assistantSnippets({ name: "it's;rm -rf ~", url: 'https://gw.example/a/mcp?x=$(id)', transport: 'http' });
    assert.equal(claude?.text, `claude mcp add --transport http 'it'\\''s;rm -rf ~' 'https://gw.example/a/mcp?x=$(id)' --header 'Authorization: Bearer ${TOKEN_PLACEHOLDER}'`);
  });
});
