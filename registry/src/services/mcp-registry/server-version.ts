/**
 * The version a server entry is published under: `1.0.0` when registered, the patch number growing
 * with every change of the entry (its revision). It is the same on every replica and after restarts.
 * A server removed and registered again starts over at `1.0.0`, with a new `publishedAt`.
 */
export function serverVersionOf(revision: number): string {
  if (!Number.isInteger(revision) || revision < 1) throw new Error(`not a server revision: ${revision}`);
  return `1.0.${revision - 1}`;
}
