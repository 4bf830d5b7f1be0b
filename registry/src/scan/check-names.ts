import type { CapabilitiesRecord, ListedItem, ScanFinding } from '../store/health-repository.js';
import { nameSkeleton } from './name-skeleton.js';

/** The names a client can safely show and type: ASCII letters, digits and `_ - . /`. */
const PLAIN_NAME = /^[A-Za-z0-9_.\-/]{1,128}$/;

/**
 * Name checks of one server's tools and prompts: names outside the plain set, duplicates within the
 * server, the same name on another server (a collision, worth knowing), and a different name that
 * passes for another server's (a look-alike, high).
 */
export function checkNames(path: string, tools: readonly ListedItem[], prompts: readonly ListedItem[], others: readonly CapabilitiesRecord[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const theirs = new Map<string, Array<{ name: string; path: string }>>();
  for (const other of others) {
    if (other.path === path) continue;
    for (const name of namesOf(other.tools)) {
      const skeleton = nameSkeleton(name);
      theirs.set(skeleton, [...(theirs.get(skeleton) ?? []), { name, path: other.path }]);
    }
  }
  for (const [kind, items] of [['tool', tools], ['prompt', prompts]] as const) {
    const seen = new Set<string>();
    for (const name of namesOf(items)) {
      const target = `${kind}:${name}`;
      if (!PLAIN_NAME.test(name)) {
        findings.push({ rule: 'name-characters', severity: 'high', target, message: `the ${kind} name ${JSON.stringify(name)} uses characters outside A-Z a-z 0-9 _ - . /` });
      }
      if (seen.has(name)) findings.push({ rule: 'name-duplicate', severity: 'high', target, message: `the server lists the ${kind} ${name} more than once` });
      seen.add(name);
      if (kind !== 'tool') continue;
      for (const match of theirs.get(nameSkeleton(name)) ?? []) {
        findings.push(
          match.name === name
            ? { rule: 'name-collision', severity: 'low', target, message: `${match.path} has a tool of the same name ${name}` }
            : { rule: 'name-lookalike', severity: 'high', target, message: `${name} passes for the tool ${match.name} of ${match.path}` },
        );
      }
    }
  }
  return findings;
}

function namesOf(items: readonly ListedItem[]): string[] {
  return items.flatMap((item) => (typeof item.name === 'string' ? [item.name] : []));
}
