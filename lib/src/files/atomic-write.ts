import { randomBytes } from 'node:crypto';
import { promises as fs, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Writes a file so that readers see either the old or the new contents, never a partial one. */
export async function writeFileAtomic(file: string, contents: string, mode = 0o644): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w', mode);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
}

/** Synchronous variant for start-up code. */
export function writeFileAtomicSync(file: string, contents: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, contents, { mode });
  renameSync(temp, file);
}
