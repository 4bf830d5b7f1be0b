import type { CliIo } from './cli-io.js';
import { reportError } from './report-error.js';
import { MAIN_USAGE } from './usage.js';
import { usageError } from './parse-options.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Loaded on demand, so that `mcpgw token` does not pay for the MCP client. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  token: async () => (await import('./commands/token-command.js')).tokenCommand,
  login: async () => (await import('./commands/login-command.js')).loginCommand,
  scopes: async () => (await import('./commands/scopes-command.js')).scopesCommand,
  client: async () => (await import('./commands/client-command.js')).clientCommand,
  service: async () => (await import('./commands/service-command.js')).serviceCommand,
};

/** Runs one mcpgw invocation and returns its exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr.write(MAIN_USAGE);
      return reportError(usageError('missing command', 'mcpgw'), io.stderr);
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(MAIN_USAGE);
      return 0;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (load === undefined) {
      throw usageError(command.startsWith('-') ? `unknown option ${JSON.stringify(command)}` : `unknown command ${JSON.stringify(command)}`, 'mcpgw');
    }
    const run = await load();
    return await run(rest, io);
  } catch (error) {
    return reportError(error, io.stderr);
  }
}
