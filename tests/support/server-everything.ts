import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './free-port.js';

const STARTUP_LIMIT_MS = 20_000;
const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServerEverything {
  /** `http://127.0.0.1:<port>`: Streamable HTTP at /mcp, or legacy SSE at /sse with messages at /message. */
  url: string;
  pid: number;
  close(): Promise<void>;
}

/**
 * Runs @modelcontextprotocol/server-everything, the MCP project's reference server, as a child
 * process on a free loopback port, over Streamable HTTP or the legacy SSE transport.
 */
export async function startServerEverything(transport: 'streamableHttp' | 'sse'): Promise<ServerEverything> {
  const entry = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(here, 'bind-loopback.mjs')).href, entry, transport], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('server-everything did not start');
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
    await exited;
  };
  child.stdout?.resume();
  try {
    await waitForListening(child, exited);
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, pid, close };
}

function waitForListening(child: ChildProcess, exited: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server-everything did not listen within ${STARTUP_LIMIT_MS} ms: ${output}`)), STARTUP_LIMIT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/listening on port|running on port/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited: ${output}`));
    });
  });
}
