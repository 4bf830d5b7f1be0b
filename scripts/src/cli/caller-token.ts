import { currentAccessToken } from '@mcpgw/lib/oauth/stored-login.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';

/** The bearer token of a command: --token, else MCPGW_TOKEN, else the stored login's (refreshed when due). */
export async function callerToken(io: CliIo, given: string | undefined): Promise<string | undefined> {
  const explicit = given ?? (io.env.MCPGW_TOKEN || undefined);
  if (explicit !== undefined) return explicit;
  try {
    return await currentAccessToken(io.env);
  } catch (error) {
    throw new CliError('CLI_REFUSED', (error as Error).message, { cause: error });
  }
}
