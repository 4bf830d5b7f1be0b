import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export type TransportKind = 'streamable-http' | 'sse';
export const TRANSPORT_KINDS: readonly TransportKind[] = ['streamable-http', 'sse'];

/** An SDK client connected to an example server over the given transport. Close it when done. */
export async function connectOver(kind: TransportKind, serverUrl: string): Promise<Client> {
  const client = new Client({ name: 'servers-tests', version: '1.0.0' });
  const transport =
    kind === 'streamable-http'
      ? new StreamableHTTPClientTransport(new URL(`${serverUrl}/mcp`))
      : new SSEClientTransport(new URL(`${serverUrl}/sse`));
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  if (first?.type !== 'text') throw new Error('expected a text result');
  return first.text;
}
