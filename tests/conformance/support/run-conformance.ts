import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const RUN_LIMIT_MS = 180_000;
const CLI = createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/dist/index.js');

/** A Node.js 22+ binary for the suite's CLI, from scripts/conformance/node22.mjs (installed on demand). */
export function findNode22(): { node: string } | { problem: string } {
  const result = spawnSync(process.execPath, ['scripts/conformance/node22.mjs'], { encoding: 'utf8', timeout: RUN_LIMIT_MS });
  const node = result.stdout?.trim();
  if (result.status === 0 && node) return { node };
  return { problem: (result.stderr || String(result.error ?? `exit ${result.status}`)).trim() };
}

/** Per scenario, its checks' outcomes as `id: STATUS`, sorted; INFO records are left out. */
export type ConformanceResults = Record<string, string[]>;

/** Per failed check (`scenario/id`), the suite's explanation, to show when results differ. */
export type ConformanceFailures = Record<string, string>;

/**
 * Runs every server scenario of the MCP conformance suite (`--suite all`) against `url` and reads
 * the checks.json each scenario leaves in `outputDir`. The suite exits non-zero when a check fails;
 * that is a result, not an error.
 */
export async function runConformance(node: string, url: string, outputDir: string): Promise<{ results: ConformanceResults; failures: ConformanceFailures }> {
  const child = spawn(node, [CLI, 'server', '--url', url, '--suite', 'all', '--output-dir', outputDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const pid = child.pid;
  await new Promise<void>((resolve, reject) => {
    const limit = setTimeout(() => {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
      reject(new Error(`the conformance suite did not finish within ${RUN_LIMIT_MS} ms:\n${output.slice(-4000)}`));
    }, RUN_LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.once('exit', () => {
      clearTimeout(limit);
      resolve();
    });
  });
  const results: ConformanceResults = {};
  const failures: ConformanceFailures = {};
  for (const entry of readdirSync(outputDir, { withFileTypes: true })) {
    const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry.name)?.[1];
    if (!entry.isDirectory() || scenario === undefined) continue;
    const checks = JSON.parse(readFileSync(path.join(outputDir, entry.name, 'checks.json'), 'utf8')) as Array<{ id: string; status: string; errorMessage?: string }>;
    results[scenario] = checks.filter((check) => check.status !== 'INFO').map((check) => `${check.id}: ${check.status}`).sort();
    for (const check of checks) if (check.status === 'FAILURE') failures[`${scenario}/${check.id}`] = check.errorMessage ?? '';
  }
  if (Object.keys(results).length === 0) throw new Error(`the conformance suite left no results:\n${output.slice(-4000)}`);
  return { results, failures };
}
