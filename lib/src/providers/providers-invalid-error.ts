import type { ScopesProblem } from '../scopes/parse-scopes.js';

/** One problem in the identity provider configuration: where (`providers.keycloak.issuer`) and what. */
export type ProvidersProblem = ScopesProblem;

/** The identity provider configuration does not validate; lists every problem at once. */
export class ProvidersInvalidError extends Error {
  readonly code = 'PROVIDERS_INVALID';
  constructor(readonly problems: ProvidersProblem[], source = 'oauth2_providers.yml') {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p.path || '(top level)'}: ${p.message}`).join('\n')}`);
  }
}
