/**
 * The prompts or resources a scope entry lists, compiled: every name, or exact names and prefixes.
 * An item ending in `*` is a prefix (`test://docs/*` matches every URI under `test://docs/`);
 * `all` or `*` alone is everything.
 */
export type NameAllowance = '*' | { readonly names: ReadonlySet<string>; readonly prefixes: readonly string[] };

export const NO_NAMES: NameAllowance = { names: new Set(), prefixes: [] };

const WILDCARDS: ReadonlySet<string> = new Set(['all', '*']);

/** Compiles listed items (from scopes.yml, or decoded from a check answer) into an allowance. */
export function nameAllowance(items: Iterable<string>): NameAllowance {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const item of items) {
    if (WILDCARDS.has(item)) return '*';
    if (item.endsWith('*')) prefixes.add(item.slice(0, -1));
    else names.add(item);
  }
  return { names, prefixes: [...prefixes] };
}

/** Whether an allowance covers a prompt name or resource URI (exact, case-sensitive, or by prefix). */
export function allowsName(allowance: NameAllowance, name: string): boolean {
  if (allowance === '*') return true;
  return allowance.names.has(name) || allowance.prefixes.some((prefix) => name.startsWith(prefix));
}

/** The items an allowance was compiled from, in a form nameAllowance reads back. */
export function allowanceItems(allowance: Exclude<NameAllowance, '*'>): string[] {
  return [...allowance.names, ...allowance.prefixes.map((prefix) => `${prefix}*`)];
}
