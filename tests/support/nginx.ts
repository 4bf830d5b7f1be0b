import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

export const NGINX_BINARY = '/usr/sbin/nginx';

/** Whether Debian's nginx is installed; tests that need it skip only outside CI. */
export function nginxAvailable(): boolean {
  return spawnSync(NGINX_BINARY, ['-v']).status === 0;
}

/**
 * Renders an nginx template as the official nginx image does: `${NAME}` replaced by its value,
 * nginx's own `$variables` left alone. A `${NAME}` without a value is an error, not an empty string.
 */
export function renderTemplate(templateFile: string, values: Record<string, string>): string {
  return readFileSync(templateFile, 'utf8').replace(/\$\{([A-Z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${templateFile} needs a value for \${${name}}`);
    return value;
  });
}

export interface RunningNginx {
  accessLog: () => string;
  errorLog: () => string;
  stop(): Promise<void>;
}

/** Debian's njs module (libnginx-mod-http-js), which the nginx data plane needs. */
export const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

export function njsAvailable(): boolean {
  return existsSync(NJS_MODULE);
}

/** The arguments that make nginx use the configuration startNginx writes in `dir` (for -t and -s reload). */
export function nginxArguments(dir: string): string[] {
  return ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs', 'error.log')];
}

/** Runs nginx in the foreground with `httpConfig` inside its http block, in `dir`, until stop(). */
export async function startNginx(dir: string, httpConfig: string, waitForPort: number, options: { main?: string } = {}): Promise<RunningNginx> {
  const { accessLog, errorLog } = writeNginxConfig(dir, httpConfig, options);
  return runNginx(dir, accessLog, errorLog, waitForPort);
}

/** Writes `dir`/nginx.conf (main-context lines, then `httpConfig` inside the http block) without starting nginx. */
export function writeNginxConfig(dir: string, httpConfig: string, options: { main?: string } = {}): { accessLog: string; errorLog: string } {
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const accessLog = path.join(dir, 'logs', 'access.log');
  const errorLog = path.join(dir, 'logs', 'error.log');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      ...(options.main === undefined ? [] : [options.main]),
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} info;`,
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      `  client_body_temp_path ${path.join(dir, 'client_body')};`,
      `  proxy_temp_path ${path.join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${path.join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${path.join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${path.join(dir, 'scgi')};`,
      httpConfig.replaceAll('/dev/stdout', accessLog),
      '}',
    ].join('\n'),
  );
  return { accessLog, errorLog };
}

async function runNginx(dir: string, accessLog: string, errorLog: string, waitForPort: number): Promise<RunningNginx> {
  const check = spawnSync(NGINX_BINARY, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog]);
  if (check.status !== 0) throw new Error(`nginx -t refused the config:\n${check.stderr.toString()}`);
  const child: ChildProcess = spawn(NGINX_BINARY, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}`);
    if (await portOpen(waitForPort)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    accessLog: () => read(accessLog),
    errorLog: () => read(errorLog),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl. */
export function makeSelfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const result = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert,
  ]);
  if (result.status !== 0) throw new Error(`openssl could not make a certificate: ${result.stderr.toString()}`);
  return { cert, key };
}
