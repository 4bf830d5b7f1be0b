import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { registryMcpServerEntry } from '@mcpgw/lib/registry/registry-mcp-server.js';
import { registerExampleServers, registerServerEntries } from './register-example-servers.js';
import { LOCAL_HOST, stackConfigFromEnv, type StackConfig } from './stack-config.js';
import { StackError } from './stack-error.js';
import { spawnService, type ServiceProcess } from './spawn-service.js';
import { waitForHealth } from './wait-for-health.js';

export const DEFAULT_HEALTH_TIMEOUT_MS = 30_000;

export interface StackOptions {
  /** The repository root; children run from it and relative paths resolve against it. */
  repoRoot: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  healthTimeoutMs?: number;
}

/**
 * The whole product as child processes: registry, auth-server, gateway and the example servers,
 * started in that order, each healthy before the next, then the examples registered.
 */
export class Stack {
  readonly config: StackConfig;
  readonly #children: ServiceProcess[] = [];
  readonly #options: StackOptions;
  #stopping: Promise<void> | undefined;
  #onUnexpectedExit: ((error: StackError) => void) | undefined;

  constructor(options: StackOptions) {
    this.#options = options;
    this.config = stackConfigFromEnv(options.repoRoot, options.env ?? process.env);
  }

  get gatewayUrl(): string {
    return `http://${LOCAL_HOST}:${this.config.ports.gateway}`;
  }

  get registryUrl(): string {
    return `http://${LOCAL_HOST}:${this.config.ports.registry}`;
  }

  /** Called once when a child exits while the stack runs; the caller decides what to do (stop, exit 1). */
  onUnexpectedExit(listener: (error: StackError) => void): void {
    this.#onUnexpectedExit = listener;
  }

  /** Starts everything; on failure stops what did start and throws a StackError. */
  async start(): Promise<void> {
    const { config } = this;
    const logger = this.#options.logger;
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const prefixWidth = Math.max(...config.services.map((service) => service.name.length));
    try {
      for (const spec of config.services) {
        if (this.#stopping) return;
        logger.info({ child: spec.name, entry: spec.entry }, `starting ${spec.name}`);
        const child = spawnService(spec, {
          repoRoot: config.repoRoot,
          env: config.childEnv,
          stdout: this.#options.stdout ?? process.stdout,
          stderr: this.#options.stderr ?? process.stderr,
          prefixWidth,
        });
        this.#children.push(child);
        void child.exited.then(({ code, signal }) => {
          if (this.#stopping) return;
          this.#onUnexpectedExit?.(
            new StackError('STACK_CHILD_EXITED', `${child.name} (pid ${child.pid}) exited on its own (${signal ?? `code ${code}`}); stopping the stack`),
          );
        });
        for (const port of spec.healthPorts) {
          await waitForHealth(`http://${LOCAL_HOST}:${port}/health`, child, this.#options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
        }
      }
      if (this.#stopping) return;
      await registerExampleServers(this.registryUrl, config.examples, config.dataDir, config.childEnv);
      await registerServerEntries(this.registryUrl, [registryMcpServerEntry(this.registryUrl)], config.dataDir, config.childEnv);
      for (const example of config.examples) {
        logger.info({ path: example.path, port: example.port }, `registered ${example.path}`);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGTERM to every child (last started first), SIGKILL for any still running after the grace period. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const child of [...this.#children].reverse()) {
        const { code, signal } = await child.stop();
        this.#options.logger.info({ child: child.name, pid: child.pid, code, signal }, `${child.name} stopped`);
      }
    })();
    return this.#stopping;
  }
}
