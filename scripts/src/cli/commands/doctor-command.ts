import { DEFAULT_PORTS, scopesFile } from '@mcpgw/lib/config/env.js';
import { CliError } from '../cli-error.js';
import { printJson, type CliIo } from '../cli-io.js';
import { runDoctorChecks, type CheckResult } from '../doctor/doctor-checks.js';
import { parseOptions, usageError } from '../parse-options.js';
import { DOCTOR_USAGE } from '../usage.js';

const LABEL: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** `mcpgw doctor`: checks a running installation and says what to fix; exits 1 when a check fails. */
export async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        registry: { type: 'string' },
        auth: { type: 'string' },
        gateway: { type: 'string' },
        scopes: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw doctor',
  );
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'mcpgw doctor');
  const env = io.env;
  const results = await runDoctorChecks({
    registry: serviceUrl('--registry', values.registry ?? (env.REGISTRY_URL || `http://127.0.0.1:${env.REGISTRY_PORT || DEFAULT_PORTS.registry}`)),
    auth: serviceUrl('--auth', values.auth ?? (env.AUTH_URL || `http://127.0.0.1:${env.AUTH_PORT || DEFAULT_PORTS.auth}`)),
    gateway: serviceUrl('--gateway', values.gateway ?? (env.GATEWAY_PUBLIC_URL || `http://127.0.0.1:${env.GATEWAY_PORT || DEFAULT_PORTS.gateway}`)),
    scopesFile: values.scopes ?? scopesFile(env),
    token: values.token ?? (env.MCPGW_TOKEN || undefined),
  });
  const failed = results.filter((result) => result.status === 'fail').length;
  if (values.json) {
    printJson(io, { ok: failed === 0, checks: results });
  } else {
    for (const result of results) {
      io.stdout.write(`${LABEL[result.status]}  ${result.check.padEnd(11)} ${result.detail}\n`);
      if (result.fix !== undefined && result.status !== 'ok') io.stdout.write(`      ${''.padEnd(11)} fix: ${result.fix}\n`);
    }
    io.stdout.write(failed === 0 ? 'nothing to fix\n' : `${failed} check${failed === 1 ? '' : 's'} failed\n`);
  }
  return failed === 0 ? 0 : 1;
}

function serviceUrl(option: string, text: string): URL {
  if (URL.canParse(text)) {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  }
  throw new CliError('CLI_INVALID_ARGUMENT', `${option} ${JSON.stringify(text)} is not an http(s) URL`);
}
