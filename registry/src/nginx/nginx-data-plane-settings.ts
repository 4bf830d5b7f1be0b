import { createHmac } from 'node:crypto';
import path from 'node:path';
import { CHECK_BODY_MAX_BYTES } from '@mcpgw/lib/check/check-contract.js';
import { DEFAULT_PORTS, envOptional, envString } from '@mcpgw/lib/config/env.js';

/** The largest request body the nginx data plane accepts: it travels base64 in the X-Body check header. */
export const DATA_PLANE_MAX_BODY_BYTES = CHECK_BODY_MAX_BYTES;
export const DEFAULT_DATA_PLANE_LISTEN = '8080';
export const DEFAULT_DATA_PLANE_SOCKET = '/run/mcpgw-dataplane.sock';
export const DEFAULT_NGINX_COMMAND = 'nginx';
export const DEFAULT_DATA_PLANE_FILE = '/etc/nginx/conf.d/mcpgw-dataplane.conf';

export interface NginxDataPlaneSettings {
  /** Where the rendered configuration goes, e.g. /etc/nginx/conf.d/mcpgw-dataplane.conf (inside nginx's http block). */
  configFile: string;
  /** The njs module the configuration imports, beside configFile. */
  scriptFile: string;
  /** nginx `listen` value of the public side, e.g. `8080` or `127.0.0.1:8080`. */
  listen: string;
  /** The unix socket between the two halves; only nginx may reach it. */
  socket: string;
  /** The auth-server's base URL; the check goes to `/validate` there. */
  authUrl: URL;
  /** The nginx command that `-t` and `-s reload` are appended to, split on spaces. */
  command: string[];
}

/** Whether the registry keeps an nginx data plane in step with its servers: NGINX_DATAPLANE_FILE is set. */
export function nginxDataPlaneEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return envOptional('NGINX_DATAPLANE_FILE', env) !== undefined;
}

/** NGINX_DATAPLANE_FILE, NGINX_DATAPLANE_LISTEN, NGINX_DATAPLANE_SOCKET, NGINX_COMMAND and AUTH_URL, with defaults. */
export function nginxDataPlaneSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): NginxDataPlaneSettings {
  return nginxDataPlaneSettings({
    configFile: envString('NGINX_DATAPLANE_FILE', DEFAULT_DATA_PLANE_FILE, env),
    listen: envString('NGINX_DATAPLANE_LISTEN', DEFAULT_DATA_PLANE_LISTEN, env),
    socket: envString('NGINX_DATAPLANE_SOCKET', DEFAULT_DATA_PLANE_SOCKET, env),
    authUrl: envString('AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.auth}`, env),
    command: envString('NGINX_COMMAND', DEFAULT_NGINX_COMMAND, env),
  });
}

/** Checks and completes data plane settings; throws an Error naming the setting to fix. */
export function nginxDataPlaneSettings(input: { configFile: string; listen: string; socket: string; authUrl: string; command: string }): NginxDataPlaneSettings {
  const configFile = path.resolve(input.configFile);
  if (!configFile.endsWith('.conf')) throw new Error(`NGINX_DATAPLANE_FILE must name a .conf file, got ${JSON.stringify(input.configFile)}`);
  if (!/^[A-Za-z0-9.:[\]_-]+$/.test(input.listen)) {
    throw new Error(`NGINX_DATAPLANE_LISTEN must be a port or address:port, got ${JSON.stringify(input.listen)}`);
  }
  for (const [name, value] of [['NGINX_DATAPLANE_FILE', configFile], ['NGINX_DATAPLANE_SOCKET', input.socket]] as const) {
    if (!path.isAbsolute(value) || !SAFE_PATH.test(value)) {
      throw new Error(`${name} must be an absolute path of letters, digits, "/", ".", "_" and "-", got ${JSON.stringify(value)}`);
    }
  }
  let authUrl: URL;
  try {
    authUrl = new URL(input.authUrl);
  } catch {
    throw new Error(`AUTH_URL must be the auth-server's URL, e.g. http://auth-server:8888, got ${JSON.stringify(input.authUrl)}`);
  }
  if ((authUrl.protocol !== 'http:' && authUrl.protocol !== 'https:') || !SAFE_HOST.test(authUrl.host) || !SAFE_PATH.test(authUrl.pathname) || authUrl.search !== '') {
    throw new Error(`AUTH_URL must be an http(s) URL with a plain host and path and no query, got ${JSON.stringify(input.authUrl)}`);
  }
  const command = input.command.split(/\s+/).filter(Boolean);
  if (command.length === 0) throw new Error('NGINX_COMMAND must not be empty');
  return Object.freeze({
    configFile,
    scriptFile: configFile.replace(/\.conf$/, '.js'),
    listen: input.listen,
    socket: input.socket,
    authUrl,
    command,
  });
}

const SAFE_PATH = /^[A-Za-z0-9/._-]+$/;
const SAFE_HOST = /^[A-Za-z0-9.[\]:_-]+$/;

/** The secret the data plane's front half shows its inner half, derived from the registry's internal token. */
export function dataPlaneHopSecret(internalToken: string): string {
  return createHmac('sha256', internalToken).update('mcpgw nginx data plane hop').digest('hex');
}
