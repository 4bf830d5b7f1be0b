import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../scripts/bin/mcpgw.js', import.meta.url));
/** No test reads the login of the person running the tests (~/.config/mcpgw). */
const NO_LOGIN_DIR = path.join(tmpdir(), `mcpgw-no-login-${process.pid}`);

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `mcpgw` as a child process; asynchronous so that servers in this process keep answering. */
export function runMcpgw(args: string[], env: NodeJS.ProcessEnv = {}, started: (child: ChildProcess) => void = () => undefined): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', MCPGW_TOKEN: '', MCPGW_CONFIG_DIR: NO_LOGIN_DIR, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
