import { spawn } from 'node:child_process';
import { z } from 'zod';
import { SCAN_SEVERITIES, type ScanFinding } from '../store/health-repository.js';

/** What the external scanner must answer on stdout. */
const answerSchema = z.object({
  findings: z.array(
    z.object({
      severity: z.enum(SCAN_SEVERITIES),
      message: z.string(),
      rule: z.string().optional(),
      target: z.string().optional(),
    }),
  ),
});

const OUTPUT_LIMIT = 1024 * 1024;

/**
 * Runs SECURITY_SCAN_COMMAND through the shell with `input` as JSON on stdin and reads
 * `{ "findings": [{ "severity": "high"|"medium"|"low", "message", "rule"?, "target"? }] }` from stdout.
 * A scanner that fails, times out or answers something else is a high finding: the scan fails closed.
 */
export function runExternalScanner(command: string, input: unknown, timeoutMs: number): Promise<ScanFinding[]> {
  return new Promise((resolve) => {
    // Its own process group, so that a time-out kills the shell and whatever the shell started.
    const child = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (findings: ScanFinding[]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(findings);
    };
    const failed = (message: string): ScanFinding[] => [{ rule: 'external-scanner', severity: 'high', target: 'external', message: `the external scanner ${message}` }];
    const timer = setTimeout(() => {
      kill();
      finish(failed(`gave no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.length > OUTPUT_LIMIT) kill();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => finish(failed(`could not start: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return finish(failed(`exited with ${code ?? 'a signal'}: ${stderr.trim().slice(0, 300)}`));
      let parsed: z.infer<typeof answerSchema>;
      try {
        parsed = answerSchema.parse(JSON.parse(stdout));
      } catch {
        return finish(failed('answered something other than {"findings": [...]} JSON'));
      }
      finish(parsed.findings.map((finding) => ({ rule: finding.rule ?? 'external', severity: finding.severity, target: finding.target ?? 'external', message: finding.message })));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(input));
  });
}
