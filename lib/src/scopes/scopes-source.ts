import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { parseScopes } from './parse-scopes.js';
import { compilePolicy, type CompiledPolicy } from './compile-policy.js';

const DEBOUNCE_MS = 50;
/** fs.watch can miss events (network file systems, editors that swap files); a stat poll backs it up. */
const POLL_MS = 1000;

/**
 * Holds the policy compiled from scopes.yml and keeps it current: the file is reloaded when it
 * changes, and an edit that does not validate is logged and ignored, leaving the last good policy in force.
 */
export class ScopesSource {
  #policy: CompiledPolicy;
  #fingerprint: string;
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(policy: CompiledPolicy) => void>();

  /** Loads the file; throws ScopesInvalidError at start-up rather than run without a policy. */
  constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {
    this.#fingerprint = fingerprintOf(file);
    this.#policy = compilePolicy(parseScopes(readFileSync(file, 'utf8'), file));
  }

  get policy(): CompiledPolicy {
    return this.#policy;
  }

  onChange(listener: (policy: CompiledPolicy) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts watching the file (its directory, so that atomic renames are seen). */
  watch(): this {
    const directory = path.dirname(this.file);
    const base = path.basename(this.file);
    try {
      this.#watcher = watch(directory, (_event, name) => {
        if (name === null || name === base) this.#schedule();
      });
      this.#watcher.on('error', (error) => this.logger.warn({ err: error }, 'scopes watcher failed; polling only'));
    } catch (error) {
      this.logger.warn({ err: error, file: this.file }, 'cannot watch the scopes file; polling only');
    }
    this.#poll = setInterval(() => {
      if (fingerprintOf(this.file) !== this.#fingerprint) this.#schedule();
    }, POLL_MS);
    this.#poll.unref();
    return this;
  }

  /** Re-reads the file now. Returns true when a new policy is in force. */
  reload(): boolean {
    const fingerprint = fingerprintOf(this.file);
    if (fingerprint === this.#fingerprint) return false;
    this.#fingerprint = fingerprint;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      this.logger.error({ err: error, file: this.file }, 'cannot read the scopes file; keeping the last good version');
      return false;
    }
    try {
      this.#policy = compilePolicy(parseScopes(text, this.file));
    } catch (error) {
      this.logger.error({ err: error, file: this.file }, 'scopes file edit refused; keeping the last good version');
      return false;
    }
    this.logger.info({ file: this.file }, 'scopes reloaded');
    for (const listener of this.#listeners) listener(this.#policy);
    return true;
  }

  close(): void {
    this.#watcher?.close();
    if (this.#poll) clearInterval(this.#poll);
    if (this.#debounce) clearTimeout(this.#debounce);
  }

  #schedule(): void {
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => this.reload(), DEBOUNCE_MS);
    this.#debounce.unref();
  }
}

function fingerprintOf(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
