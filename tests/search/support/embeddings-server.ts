import { createServer, type IncomingMessage } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';

/**
 * A small OpenAI-compatible embeddings endpoint for tests: POST /v1/embeddings answers one
 * deterministic vector per input. Each dimension is a concept; a text's vector counts the words of
 * each concept it contains, so "clock" and "time" land close together while sharing no keyword.
 */
export const CONCEPTS: ReadonlyArray<readonly string[]> = [
  ['time', 'clock', 'hour', 'timezone', 'date', 'current'],
  ['note', 'notes', 'memo', 'jot', 'notebook', 'remember'],
  ['weather', 'rain', 'forecast', 'umbrella', 'temperature'],
  ['travel', 'trip', 'flight', 'journey', 'itinerary', 'plan'],
];

export interface EmbeddingsServer {
  url: string;
  /** The bodies and authorization headers it received. */
  requests: Array<{ body: { model?: string; input?: string[] }; authorization: string | undefined }>;
  close(): Promise<void>;
}

export function vectorOf(text: string): number[] {
  const words = text.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  return CONCEPTS.map((concept) => words.filter((word) => concept.includes(word)).length);
}

export async function startEmbeddingsServer(): Promise<EmbeddingsServer> {
  const requests: EmbeddingsServer['requests'] = [];
  const server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as { model?: string; input?: string[] };
    requests.push({ body, authorization: request.headers.authorization });
    if (request.method !== 'POST' || request.url !== '/v1/embeddings' || !Array.isArray(body.input)) {
      response.writeHead(400).end();
      return;
    }
    const data = body.input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', model: body.model, data }));
  });
  const running = await listen(server, 0);
  return { url: running.url, requests, close: running.close };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
