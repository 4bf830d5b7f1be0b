import { createServer, type Server } from 'node:http';
import { listen } from '@mcpgw/lib/http/listen.js';
import { freePort } from '../../support/free-port.js';

export interface ReplicaUpstream {
  url: string;
  /** The JSON-RPC method (and tool, as `tools/call:name`) of every request that reached it. */
  received: string[];
  /** Requests calling this tool wait until release(). */
  holdTool: string | undefined;
  release(): void;
  /** Stops listening and drops every connection, as a crashed replica would. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** An upstream replica on a fixed port that a test can take down and bring back. */
export async function startReplicaUpstream(name: string): Promise<ReplicaUpstream> {
  const port = await freePort();
  let held: Array<() => void> = [];
  let server: Server | undefined;
  let close: (() => Promise<void>) | undefined;
  const state: ReplicaUpstream = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    holdTool: undefined,
    release() {
      for (const answer of held) answer();
      held = [];
    },
    async stop() {
      state.release();
      server?.closeAllConnections();
      await close?.();
      server = undefined;
    },
    async restart() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const message = parse(Buffer.concat(chunks));
          const label = message.method === 'tools/call' ? `tools/call:${message.params?.name ?? ''}` : (message.method ?? req.method ?? '');
          state.received.push(label);
          const answer = () => {
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id ?? null, result: { replica: name } }));
          };
          if (message.params?.name !== undefined && message.params.name === state.holdTool) held.push(answer);
          else answer();
        });
      });
      close = (await listen(server, port, '127.0.0.1', 0)).close;
    },
    async close() {
      await state.stop();
    },
  };
  await state.restart();
  return state;
}

function parse(body: Buffer): { id?: unknown; method?: string; params?: { name?: string } } {
  try {
    return JSON.parse(body.toString('utf8')) as { id?: unknown; method?: string; params?: { name?: string } };
  } catch {
    return {};
  }
}
