import path from 'node:path';
import { DEFAULT_PORTS, envBool, envInt, envString, EnvError } from '@mcpgw/lib/config/env.js';
import { EXAMPLE_SERVERS, type ExampleServerInfo } from '@mcpgw/lib/examples/example-servers.js';
import { StackError } from './stack-error.js';

/** The address the launcher uses to reach its children, whatever HOST they bind to. */
export const LOCAL_HOST = '127.0.0.1';

export interface ServiceSpec {
  /** Prefixes the child's output and names it in messages. */
  name: string;
  /** The entry point, relative to the repository root. */
  entry: string;
  /** The ports whose GET /health must answer 200 before the next child starts. */
  healthPorts: number[];
}

export interface StackConfig {
  repoRoot: string;
  dataDir: string;
  scopesFile: string;
  ports: { registry: number; auth: number; gateway: number };
  /** The example servers to run and register; empty with MCPGW_EXAMPLES=false. */
  examples: Array<ExampleServerInfo & { port: number }>;
  /** In start order. */
  services: ServiceSpec[];
  /** The environment every child gets. */
  childEnv: NodeJS.ProcessEnv;
}

/** Reads the stack's settings; relative paths are taken from the repository root, not the working directory. */
export function stackConfigFromEnv(repoRoot: string, env: NodeJS.ProcessEnv = process.env): StackConfig {
  try {
    const fromRoot = (value: string): string => path.resolve(repoRoot, value);
    const dataDir = fromRoot(envString('DATA_DIR', 'data', env));
    const scopesFile = fromRoot(envString('SCOPES_FILE', path.join('config', 'scopes.yml'), env));
    const ports = {
      registry: envInt('REGISTRY_PORT', DEFAULT_PORTS.registry, env),
      auth: envInt('AUTH_PORT', DEFAULT_PORTS.auth, env),
      gateway: envInt('GATEWAY_PORT', DEFAULT_PORTS.gateway, env),
    };
    const examples = envBool('MCPGW_EXAMPLES', true, env)
      ? EXAMPLE_SERVERS.map((info) => ({ ...info, port: envInt(info.portEnv, info.defaultPort, env) }))
      : [];
    const services: ServiceSpec[] = [
      { name: 'registry', entry: 'registry/dist/main.js', healthPorts: [ports.registry] },
      { name: 'auth-server', entry: 'auth-server/dist/main.js', healthPorts: [ports.auth] },
      { name: 'gateway', entry: 'gateway/dist/main.js', healthPorts: [ports.gateway] },
    ];
    if (examples.length > 0) {
      services.push({ name: 'servers', entry: 'servers/dist/main.js', healthPorts: examples.map((example) => example.port) });
    }
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      DATA_DIR: dataDir,
      SCOPES_FILE: scopesFile,
      REGISTRY_PORT: String(ports.registry),
      AUTH_PORT: String(ports.auth),
      GATEWAY_PORT: String(ports.gateway),
      REGISTRY_URL: envString('REGISTRY_URL', `http://${LOCAL_HOST}:${ports.registry}`, env),
      AUTH_URL: envString('AUTH_URL', `http://${LOCAL_HOST}:${ports.auth}`, env),
      ...Object.fromEntries(examples.map((example) => [example.portEnv, String(example.port)])),
    };
    return { repoRoot, dataDir, scopesFile, ports, examples, services, childEnv };
  } catch (error) {
    if (error instanceof EnvError) throw new StackError('STACK_CONFIG_INVALID', error.message, { cause: error });
    throw error;
  }
}
