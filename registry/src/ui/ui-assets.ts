import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** registry/ui, from registry/src/ui (tsx) and from registry/dist/ui (built) alike. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));
/** The module the page starts; its absence means the UI was not built. */
export const UI_ENTRY_MODULE = 'main.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface UiAsset {
  body: Buffer;
  contentType: string;
}

/** The web UI in memory: the page template and every asset, named by their path under the assets URL. */
export interface UiAssets {
  /** A hash of every asset: part of their URLs, so that they can be cached for good. */
  version: string;
  indexHtml: string;
  files: ReadonlyMap<string, UiAsset>;
}

/**
 * Reads the UI once at start-up: `static/` (index.html, styles, icons) and `dist/` (the compiled
 * TypeScript). Only known file types are served; declarations and anything else stay out.
 * Undefined when the UI has not been built (`npx tsc -b`).
 */
export function loadUiAssets(uiDir = DEFAULT_UI_DIR): UiAssets | undefined {
  const compiled = path.join(uiDir, 'dist');
  const staticDir = path.join(uiDir, 'static');
  if (!existsSync(path.join(compiled, UI_ENTRY_MODULE)) || !existsSync(path.join(staticDir, 'index.html'))) return undefined;
  const files = new Map<string, UiAsset>();
  for (const root of [staticDir, compiled]) {
    for (const relative of listFiles(root)) {
      const contentType = CONTENT_TYPES[path.extname(relative)];
      if (contentType !== undefined) files.set(relative, { body: readFileSync(path.join(root, relative)), contentType });
    }
  }
  const hash = createHash('sha256');
  for (const [name, asset] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(name).update('\0').update(asset.body);
  return { version: hash.digest('hex').slice(0, 16), indexHtml: readFileSync(path.join(staticDir, 'index.html'), 'utf8'), files };
}

/** Relative paths with `/` separators, recursively. */
function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}
