import { randomBytes } from 'node:crypto';
import { promises as fs, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old or the new contents, never a partial one, and a
 * crash right after it returns keeps the new one (the data and the directory entry are synced). On
 * failure (a full disk, say) the old file is untouched and no temporary file is left behind.
 */
export async function writeFileAtomic(file: string, contents: string, mode = 0o644): Promise<void> {
  const directory = path.dirname(file);
  await fs.mkdir(directory, { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await fs.open(temp, 'w', mode);
    try {
      await handle.writeFile(contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some filesystems cannot sync a directory; the rename is still atomic
  } finally {
    await handle.close();
  }
}

/** Synchronous variant for start-up code. */
export function writeFileAtomicSync(file: string, contents: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, contents, { mode });
  renameSync(temp, file);
}
