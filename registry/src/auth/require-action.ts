import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { UiAction } from '@mcpgw/lib/scopes/scopes-schema.js';
import { RegistryError } from '../errors/registry-error.js';
import type { Caller } from './authenticate-caller.js';

/**
 * Throws REGISTRY_FORBIDDEN unless the caller's UI-Scopes grant `action` on `path` (a canonical
 * server path), or on at least one path when `path` is omitted.
 */
export function requireAction(caller: Caller, action: UiAction, path?: string): void {
  if (allowsUiAction(caller.policy, caller.scopes, action, path)) return;
  const target = path === undefined ? 'any server' : path;
  throw new RegistryError(
    'REGISTRY_FORBIDDEN',
    403,
    `you may not ${action} on ${target}; ask an administrator to grant ${action} in the UI-Scopes of scopes.yml`,
  );
}

