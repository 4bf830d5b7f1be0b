import { allowsUiAction } from '@mcpgw/lib/scopes/compile-policy.js';
import type { Caller } from '../auth/authenticate-caller.js';
import { viewerOf } from '../api/viewer-of.js';
import { isVisibleTo } from '../services/server-visibility.js';
import type { EventAudience } from './event-bus.js';

/** Whether a subscriber may receive an event with this audience, by the same rules as the API that shows the item. */
export function mayReceive(caller: Caller, audience: EventAudience): boolean {
  if (audience.kind === 'action') return allowsUiAction(caller.policy, caller.scopes, audience.action, audience.path);
  if (!allowsUiAction(caller.policy, caller.scopes, 'list_service', audience.path)) return false;
  return isVisibleTo({ path: audience.path, visibility: audience.visibility, allowed_groups: [...audience.allowedGroups] }, viewerOf(caller));
}
