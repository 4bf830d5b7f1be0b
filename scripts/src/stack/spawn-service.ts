import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ServiceSpec } from './stack-config.js';
import { StackError } from './stack-error.js';
import { prefixLines } from './prefix-lines.js';

/** How long a child has to exit after SIGTERM before it gets SIGKILL. */
export const STOP_GRACE_MS = 5000;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: string;
  pid: number;
  /** Settles when the child has exited, however that happened. */
  exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** SIGTERM to the recorded PID, SIGKILL after the grace period; resolves once the child is gone. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export interface SpawnOptions {
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Pads prefixes so the children's output lines up. */
  prefixWidth: number;
}

/** Starts `node <entry>` from the repository root with its output prefixed by the service name. */
export function spawnService(spec: ServiceSpec, options: SpawnOptions): ServiceProcess {
  const entry = path.join(options.repoRoot, spec.entry);
  if (!existsSync(entry)) {
    throw new StackError('STACK_BUILD_MISSING', `${spec.entry} does not exist; build first with "npx tsc -b" (npm start does)`);
  }
  const child = spawn(process.execPath, [entry], { cwd: options.repoRoot, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new StackError('STACK_CHILD_EXITED', `${spec.name} could not be started`);
  const pid = child.pid;
  const prefix = `[${spec.name}]`.padEnd(options.prefixWidth + 2);
  prefixLines(child.stdout, prefix, options.stdout);
  prefixLines(child.stderr, prefix, options.stderr);

  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  return {
    name: spec.name,
    pid,
    exited,
    hasExited: () => exit !== undefined,
    stop: async (graceMs = STOP_GRACE_MS) => {
      if (exit) return exit;
      signal(pid, 'SIGTERM');
      const timer = setTimeout(() => signal(pid, 'SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
