import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** An MCP SDK client connected over Streamable HTTP with a bearer token. Close it when done. */
export async function connectClient(url: string, token: string | undefined, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'mcpgw-tests', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers } },
  });
  await client.connect(transport);
  return client;
}

/** The HTTP status an MCP SDK call failed with (the SDK's StreamableHTTPError carries it as `code`). */
export async function httpStatusOfFailure(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw error;
  }
  throw new Error('expected the call to be refused');
}
