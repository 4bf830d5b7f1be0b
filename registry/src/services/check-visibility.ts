import { invalidServer } from '../errors/registry-error.js';
import type { Visibility } from '../store/server-repository.js';

/** Throws REGISTRY_INVALID_SERVER unless allowed_groups goes with group-restricted, and only with it. */
export function checkVisibility(visibility: Visibility, allowedGroups: readonly string[]): void {
  if (visibility === 'group-restricted' && allowedGroups.length === 0) {
    throw invalidServer([{ path: 'allowed_groups', message: 'list at least one group that may see a group-restricted server' }]);
  }
  if (visibility !== 'group-restricted' && allowedGroups.length > 0) {
    throw invalidServer([{ path: 'allowed_groups', message: `only a group-restricted server has allowed_groups; this one is ${visibility}` }]);
  }
}
