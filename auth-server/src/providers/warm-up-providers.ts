import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { ProviderVerifier } from '@mcpgw/lib/providers/create-provider-verifier.js';

/**
 * Logs which identity providers are in force and fetches their signing keys ahead of the first
 * token, in the background: a provider that cannot be reached is logged, and its tokens answer 503
 * until it can.
 */
export function warmUpProviders(providers: readonly ProviderVerifier[], loginOnly: readonly string[], logger: Logger): void {
  for (const name of loginOnly) {
    logger.warn({ provider: name }, `identity provider ${name} has no issuer: it can serve logins but its tokens are not accepted`);
  }
  for (const { provider, warmUp } of providers) {
    logger.info({ provider: provider.name, type: provider.type, issuer: provider.issuer }, `accepting tokens of ${provider.name}`);
    warmUp().catch((error: unknown) => {
      logger.warn({ provider: provider.name, issuer: provider.issuer, err: (error as { cause?: unknown }).cause ?? error }, `the signing keys of ${provider.name} cannot be fetched yet`);
    });
  }
}
