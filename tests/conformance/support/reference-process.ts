import { spawn } from 'node:child_process';

const STARTUP_LIMIT_MS = 30_000;

export interface ReferenceServer {
  /** `http://127.0.0.1:<port>`; MCP at /mcp. */
  url: string;
  pid: number;
  close(): Promise<void>;
}

/** Starts tests/conformance/support/reference-server.ts as a child process on a free loopback port. */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/conformance/support/reference-server.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('the reference server did not start');
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
    await exited;
  };
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`the reference server did not listen within ${STARTUP_LIMIT_MS} ms: ${output}`)), STARTUP_LIMIT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const found = /listening (http:\/\/\S+)/.exec(output)?.[1];
        if (found) {
          clearTimeout(limit);
          resolve(found);
        }
      });
      void exited.then(() => {
        clearTimeout(limit);
        reject(new Error(`the reference server exited: ${output}`));
      });
    });
    return { url, pid, close };
  } catch (error) {
    await close();
    throw error;
  }
}
