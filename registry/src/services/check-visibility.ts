import { invalidServer, type RegistryError, type RegistryProblem } from '../errors/registry-error.js';
import type { Visibility } from '../store/server-repository.js';

/**
 * Throws (REGISTRY_INVALID_SERVER, or what `invalid` makes for other entries) unless allowed_groups
 * goes with group-restricted, and only with it.
 */
export function checkVisibility(
  visibility: Visibility,
  allowedGroups: readonly string[],
  entry: { noun: string; invalid: (problems: RegistryProblem[]) => RegistryError } = { noun: 'server', invalid: invalidServer },
): void {
  if (visibility === 'group-restricted' && allowedGroups.length === 0) {
    throw entry.invalid([{ path: 'allowed_groups', message: `list at least one group that may see a group-restricted ${entry.noun}` }]);
  }
  if (visibility !== 'group-restricted' && allowedGroups.length > 0) {
    throw entry.invalid([{ path: 'allowed_groups', message: `only a group-restricted ${entry.noun} has allowed_groups; this one is ${visibility}` }]);
  }
}
