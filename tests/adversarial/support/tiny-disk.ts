import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, rmdirSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TinyDisk {
  dir: string;
  /** Fills every free byte with a file, so that the next write fails with ENOSPC. */
  fill(): void;
  /** Removes the filler. */
  free(): void;
  remove(): void;
}

/**
 * A small real filesystem (tmpfs) for disk-full tests. Mounting needs root; the reason to skip is
 * returned otherwise.
 */
export function mountTinyDisk(sizeKb: number): TinyDisk | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpgw-tiny-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmdirSync(dir);
    return 'mounting a tmpfs needs root (mount -t tmpfs); this machine refused it';
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    remove() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmdirSync(dir);
    },
  };
}
