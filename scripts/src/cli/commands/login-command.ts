import { discoverNativeClient, supportsDeviceFlow, type NativeClientSettings, type TokenAnswer } from '@mcpgw/lib/oauth/native-client.js';
import { startDeviceLogin } from '@mcpgw/lib/oauth/device-login.js';
import { startLoopbackLogin } from '@mcpgw/lib/oauth/loopback-login.js';
import { loginFile, storedLoginOf, writeStoredLogin } from '@mcpgw/lib/oauth/stored-login.js';
import { identitySettingsFromEnv } from '@mcpgw/lib/providers/identity-settings.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { commaList, parseOptions, usageError } from '../parse-options.js';
import { LOGIN_USAGE } from '../usage.js';

const LOGIN_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * `mcpgw login`: gets tokens from the identity provider, by the browser (authorisation code with
 * PKCE, back to a loopback address) or with --device (device code), and stores them with mode 0600
 * for `mcpgw token`, `client` and `service`. URLs and codes go to stderr; stdout stays empty.
 */
export async function loginCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        issuer: { type: 'string' },
        provider: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        scopes: { type: 'string' },
        device: { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw login',
  );
  if (values.help) {
    io.stdout.write(LOGIN_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'mcpgw login');
  const configured = values.provider === undefined ? undefined : configuredProvider(values.provider, io.env);
  const issuer = values.issuer ?? configured?.issuer ?? (io.env.MCPGW_LOGIN_ISSUER || undefined);
  const clientId = values['client-id'] ?? configured?.clientId ?? (io.env.MCPGW_LOGIN_CLIENT_ID || undefined);
  if (issuer === undefined) throw usageError('--provider NAME or --issuer URL (or MCPGW_LOGIN_ISSUER) is required', 'mcpgw login');
  if (clientId === undefined) throw usageError('--client-id ID (or MCPGW_LOGIN_CLIENT_ID) is required', 'mcpgw login');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('CLI_INVALID_ARGUMENT', '--port must be a port number');
  const clientSecret = values['client-secret'] ?? configured?.clientSecret ?? (io.env.MCPGW_LOGIN_CLIENT_SECRET || undefined);
  const settings: NativeClientSettings = { issuer, clientId, clientSecret, scopes: commaList(values.scopes) };

  let client: Awaited<ReturnType<typeof discoverNativeClient>>;
  try {
    client = await discoverNativeClient(settings);
  } catch (error) {
    throw new CliError('CLI_UNREACHABLE', `cannot read the OpenID configuration of ${issuer}: ${(error as Error).message}`, { cause: error });
  }

  let answer: TokenAnswer;
  try {
    if (values.device) {
      if (!supportsDeviceFlow(client)) throw new CliError('CLI_INVALID_ARGUMENT', `${issuer} does not offer the device code flow; log in without --device`);
      const device = await startDeviceLogin(client, settings);
      io.stderr.write(`To log in, open ${device.verificationUri} and enter the code ${device.userCode}\n`);
      if (device.verificationUriComplete !== undefined) io.stderr.write(`or open ${device.verificationUriComplete}\n`);
      answer = await device.tokens;
    } else {
      const loopback = await startLoopbackLogin(client, settings, { port, timeoutMs: LOGIN_TIMEOUT_MS });
      io.stderr.write(`Open this URL in a browser to log in:\n${loopback.authorizationUrl}\n`);
      answer = await loopback.tokens;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('CLI_REFUSED', `the login did not succeed: ${(error as Error).message}`, { cause: error });
  }
  const stored = storedLoginOf(answer, { issuer, clientId, ...(clientSecret === undefined ? {} : { clientSecret }) });
  await writeStoredLogin(io.env, stored);
  io.stderr.write(`Logged in${stored.subject ? ` as ${stored.subject}` : ''}; the tokens are in ${loginFile(io.env)}\n`);
  return 0;
}

/** An enabled provider of oauth2_providers.yml (OAUTH2_PROVIDERS_FILE) or AUTH_PROVIDER, as the services read it. */
function configuredProvider(name: string, env: NodeJS.ProcessEnv): { issuer: string; clientId: string | undefined; clientSecret: string | undefined } {
  let providers;
  try {
    ({ providers } = identitySettingsFromEnv(env));
  } catch (error) {
    throw new CliError('CLI_FILE_INVALID', `the identity provider configuration is invalid: ${(error as Error).message}`, { cause: error });
  }
  const provider = providers.find((candidate) => candidate.name === name);
  if (provider === undefined) {
    const known = providers.map((candidate) => candidate.name);
    throw new CliError('CLI_INVALID_ARGUMENT', `no enabled provider ${JSON.stringify(name)}; configured: ${known.length === 0 ? 'none' : known.join(', ')}`);
  }
  return { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.login.clientSecret };
}
