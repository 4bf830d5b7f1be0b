import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { RegistryError } from '../errors/registry-error.js';
import { NJS_REQUEST_BODY_SCRIPT } from './njs-request-body.js';
import type { NginxDataPlaneSettings } from './nginx-data-plane-settings.js';

const run = promisify(execFile);
const NGINX_TIMEOUT_MS = 30_000;
/** The configuration holds the hop secret: only its owner (and nginx's root master) reads it. */
const CONFIG_MODE = 0o600;

/**
 * Puts a rendered data plane in force: writes the njs module and the configuration atomically, has
 * `nginx -t` check the whole configuration, then `nginx -s reload` (old workers finish their
 * connections, streams included). A configuration nginx refuses is taken back, so the file on disk
 * is always the one in force, and the error carries nginx's own words.
 */
export async function applyNginxConfig(settings: NginxDataPlaneSettings, config: string): Promise<void> {
  const previous = await readFile(settings.configFile, 'utf8').catch(() => undefined);
  if ((await readFile(settings.scriptFile, 'utf8').catch(() => undefined)) !== NJS_REQUEST_BODY_SCRIPT) {
    await writeFileAtomic(settings.scriptFile, NJS_REQUEST_BODY_SCRIPT);
  }
  await writeFileAtomic(settings.configFile, config, CONFIG_MODE);
  const check = await runNginx(settings, ['-t']);
  if (!check.ok) {
    if (previous === undefined) await rm(settings.configFile, { force: true });
    else await writeFileAtomic(settings.configFile, previous, CONFIG_MODE);
    throw new RegistryError(
      'REGISTRY_NGINX_CONFIG_INVALID',
      500,
      `nginx refused the rendered data plane and the previous configuration stays in force; fix what nginx says and change a server to retry: ${check.output}`,
    );
  }
  const reload = await runNginx(settings, ['-s', 'reload']);
  if (!reload.ok) {
    throw new RegistryError('REGISTRY_NGINX_RELOAD_FAILED', 500, `nginx -s reload failed; is nginx running with the same NGINX_COMMAND options? ${reload.output}`);
  }
}

async function runNginx(settings: NginxDataPlaneSettings, args: string[]): Promise<{ ok: boolean; output: string }> {
  const [binary, ...options] = settings.command as [string, ...string[]];
  try {
    await run(binary, [...options, ...args], { timeout: NGINX_TIMEOUT_MS });
    return { ok: true, output: '' };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    return { ok: false, output: (failure.stderr || failure.message).trim() };
  }
}
