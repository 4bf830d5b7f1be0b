import type { ListedCapabilities } from '../discovery/list-capabilities.js';
import type { CapabilitiesRecord, ListedItem, ScanFinding } from '../store/health-repository.js';
import type { StoredServer } from '../store/server-repository.js';
import { checkNames } from './check-names.js';
import { checkSchemas } from './check-schemas.js';
import { checkUrl } from './check-url.js';
import { runExternalScanner } from './run-external-scanner.js';
import type { ScanSettings } from './scan-settings.js';
import { findTextProblems, schemaTexts } from './text-patterns.js';

export interface ScanOutcome {
  status: 'passed' | 'failed';
  findings: ScanFinding[];
}

/**
 * The security scan of a server and what it lists: descriptions (and the descriptions inside tool
 * schemas) for poisoning and injection patterns, schemas for validity, names for collisions and
 * look-alikes across `others`, the URL against the allow/deny policy, then the external scanner.
 * It fails when any finding is high.
 */
export async function scanServer(server: StoredServer, listed: ListedCapabilities, others: readonly CapabilitiesRecord[], settings: ScanSettings): Promise<ScanOutcome> {
  const findings: ScanFinding[] = [
    ...checkUrl(server.proxyPassUrl, settings),
    ...describedTexts('tool', listed.tools).flatMap(({ text, target }) => findTextProblems(text, target)),
    ...describedTexts('prompt', listed.prompts).flatMap(({ text, target }) => findTextProblems(text, target)),
    ...describedTexts('resource', listed.resources).flatMap(({ text, target }) => findTextProblems(text, target)),
    ...checkSchemas(listed.tools),
    ...checkNames(server.path, listed.tools, listed.prompts, others),
  ];
  if (settings.command !== undefined) {
    const input = { server: { path: server.path, server_name: server.serverName, proxy_pass_url: server.proxyPassUrl }, ...listed };
    findings.push(...(await runExternalScanner(settings.command, input, settings.timeoutSeconds * 1000)));
  }
  return { status: findings.some((finding) => finding.severity === 'high') ? 'failed' : 'passed', findings };
}

/** The texts a model reads about each item: its description and title, and every description in its schemas or arguments. */
function describedTexts(kind: string, items: readonly ListedItem[]): Array<{ text: string; target: string }> {
  return items.flatMap((item) => {
    const name = typeof item.name === 'string' ? item.name : typeof item.uri === 'string' ? item.uri : '(unnamed)';
    const target = `${kind}:${name}`;
    const texts: Array<{ text: string; target: string }> = [];
    for (const key of ['description', 'title'] as const) {
      const value = item[key];
      if (typeof value === 'string') texts.push({ text: value, target });
    }
    for (const key of ['inputSchema', 'outputSchema', 'arguments'] as const) {
      for (const { text, where } of schemaTexts(item[key])) texts.push({ text, target: `${target} ${key}.${where}` });
    }
    return texts;
  });
}
