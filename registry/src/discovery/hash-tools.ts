import { createHash } from 'node:crypto';
import type { ListedItem, NewToolChange } from '../store/health-repository.js';

/**
 * A tool's fingerprint: SHA-256 over its description and schemas in a canonical JSON form (keys
 * sorted), so that the same tool listed twice hashes the same and any change of what the model is
 * told or may send changes the hash.
 */
export function hashTool(tool: ListedItem): string {
  const material = { description: tool.description ?? null, inputSchema: tool.inputSchema ?? null, outputSchema: tool.outputSchema ?? null };
  return `sha256:${createHash('sha256').update(canonicalJson(material)).digest('hex')}`;
}

/** Tool name → hash, for every tool with a string name. */
export function hashTools(tools: readonly ListedItem[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const tool of tools) if (typeof tool.name === 'string') hashes[tool.name] = hashTool(tool);
  return hashes;
}

/** What changed between two discoveries of one server, by tool name, sorted by name. */
export function diffToolHashes(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): NewToolChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: NewToolChange[] = [];
  for (const toolName of names) {
    const oldHash = before[toolName] ?? null;
    const newHash = after[toolName] ?? null;
    if (oldHash === newHash) continue;
    changes.push({ toolName, kind: oldHash === null ? 'added' : newHash === null ? 'removed' : 'changed', oldHash, newHash });
  }
  return changes;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
