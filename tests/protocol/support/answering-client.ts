import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export interface Answers {
  /** The text the user "types" into every elicitation form, under the schema's first property. */
  elicitation: string;
  /** What the "model" answers every sampling request with. */
  sampling: string;
  /** The client's roots. */
  roots: string[];
}

export interface AnsweringClient {
  client: Client;
  transport: StreamableHTTPClientTransport | SSEClientTransport;
  /** The server-to-client requests this client answered, by method. */
  answered: string[];
  close(): Promise<void>;
}

/**
 * An MCP SDK client, over Streamable HTTP or legacy SSE with a bearer token, that declares the
 * elicitation, sampling and roots capabilities and answers those requests with `answers`.
 */
export async function connectAnsweringClient(options: {
  url: string;
  token: string;
  transport: 'streamable-http' | 'sse';
  answers: Answers;
  name?: string;
}): Promise<AnsweringClient> {
  const client = new Client(
    { name: options.name ?? 'transport-test-client', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} }, sampling: {}, roots: { listChanged: true } } },
  );
  const answered: string[] = [];
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    answered.push(request.method);
    const params = request.params as { requestedSchema?: { properties?: Record<string, { type?: string }> } };
    const content: Record<string, string | boolean | number> = {};
    for (const [name, property] of Object.entries(params.requestedSchema?.properties ?? {})) {
      if (property.type === 'string' && Object.keys(content).length === 0) content[name] = options.answers.elicitation;
    }
    return { action: 'accept', content };
  });
  client.setRequestHandler(CreateMessageRequestSchema, (request) => {
    answered.push(request.method);
    return { role: 'assistant', model: 'test-model', content: { type: 'text', text: options.answers.sampling } };
  });
  client.setRequestHandler(ListRootsRequestSchema, (request) => {
    answered.push(request.method);
    return { roots: options.answers.roots.map((uri) => ({ uri, name: uri })) };
  });
  const requestInit = { headers: { authorization: `Bearer ${options.token}` } };
  const transport = options.transport === 'sse'
    ? new SSEClientTransport(new URL(options.url), { requestInit })
    : new StreamableHTTPClientTransport(new URL(options.url), { requestInit });
  await client.connect(transport);
  return { client, transport, answered, close: () => client.close() };
}
