import { CliError } from '../cli-error.js';
import { printJson, type CliIo } from '../cli-io.js';
import { parseOptions, usageError } from '../parse-options.js';
import { callRegistry } from '../registry/call-registry.js';
import { NGINX_USAGE } from '../usage.js';
import { registryTarget } from '../registry/registry-target.js';

interface RenderedDataPlane {
  config: string;
  script: string;
  config_file: string;
  script_file: string;
  skipped: Array<{ path: string; reason: string }>;
}

/** `mcpgw nginx render`: the registry's nginx data plane for its servers now, for installing by hand. */
export async function nginxCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        script: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw nginx',
  );
  if (values.help) {
    io.stdout.write(NGINX_USAGE);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand !== 'render') throw usageError(subcommand === undefined ? 'missing subcommand: render' : `unknown subcommand "nginx ${subcommand}"`, 'mcpgw nginx');
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw nginx');
  if (values.script && values.json) throw usageError('give --script or --json, not both', 'mcpgw nginx');
  const rendered = (await callRegistry(await registryTarget(values, io), 'GET', '/api/nginx/dataplane')) as RenderedDataPlane;
  if (values.json) printJson(io, rendered);
  else io.stdout.write(values.script ? rendered.script : rendered.config);
  for (const skipped of rendered.skipped) io.stderr.write(`left out ${skipped.path}: ${skipped.reason}\n`);
  return 0;
}
