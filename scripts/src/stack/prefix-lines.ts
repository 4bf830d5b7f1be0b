import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Copies a child's output to `out` line by line, each line prefixed with the child's name. */
export function prefixLines(source: Readable, prefix: string, out: NodeJS.WritableStream): void {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => out.write(`${prefix} ${line}\n`));
}
