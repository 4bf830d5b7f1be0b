import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why browser tests must be skipped, or false. With CI=true they always run (and fail without Chromium). */
export function chromiumSkipReason(): string | false {
  if (process.env.CI === 'true' || existsSync(CHROMIUM_PATH)) return false;
  return `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium; CI=true makes this a failure)`;
}

/**
 * Debian's Chromium, headless, with a fresh profile (Playwright gives every launch a new temporary
 * user-data directory and removes it on close). One browser per test file; a context per user.
 */
export async function launchChromium(): Promise<Browser> {
  ensureUiBuilt();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A context whose requests carry a bearer token, for tests of the UI that do not test the login. */
export function contextWithToken(browser: Browser, token: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...options, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

/** What a page did that a test may need to refuse: dialogs it opened, errors it threw, console errors (CSP reports). */
export interface PageWatch {
  dialogs: string[];
  pageErrors: string[];
  consoleErrors: string[];
}

/** Records dialogs (dismissing them), uncaught errors and console errors of a page. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { dialogs: [], pageErrors: [], consoleErrors: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => watch.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  return watch;
}

/** Where the UI tests leave their screenshots, for a person to look at (ignored by git). */
export const SCREENSHOTS_DIR = path.resolve('.cache/ui-screenshots');

/** A full-page PNG of the page under SCREENSHOTS_DIR; answers the image. */
export async function saveScreenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

const UI_DIR = path.resolve('registry/ui');

/**
 * The registry serves the compiled UI (registry/ui/dist); tests run from sources, so compile the UI
 * first when it is missing or older than its sources.
 */
export function ensureUiBuilt(): void {
  const built = path.join(UI_DIR, 'dist', 'main.js');
  const buildInfo = path.join(UI_DIR, 'tsconfig.tsbuildinfo');
  const newestSource = Math.max(...listFiles(path.join(UI_DIR, 'src')).map((file) => statSync(file).mtimeMs));
  if (existsSync(built) && existsSync(buildInfo) && statSync(buildInfo).mtimeMs >= newestSource) return;
  const result = spawnSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-b', UI_DIR], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`compiling the web UI failed:\n${result.stdout}${result.stderr}`);
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(directory, entry.name)) : [path.join(directory, entry.name)],
  );
}
