import { withAdministrator } from '../../support/scopes.js';

/** An Entra ID group object id, as Entra puts in the `groups` claim. */
export const ENTRA_GROUP_ID = '0f3c2b1a-1111-2222-3333-444455556666';

/**
 * scopes.yml for the identity tests: the stack's administrator group, and provider groups (a
 * Keycloak realm role and group, a Cognito group, an Entra group id and app role) mapped to
 * `time-reader` (tools/list and current_time_by_timezone on currenttime) or `notes-reader`
 * (tools/list on notes).
 */
export const IDENTITY_SCOPES = withAdministrator(`
group_mappings:
  realm-ops: [time-reader]
  kc-notes: [notes-reader]
  cognito-ops: [time-reader]
  ${ENTRA_GROUP_ID}: [time-reader]
  Tools.Read: [notes-reader]
UI-Scopes:
  time-reader:
    list_service: [currenttime]
time-reader:
  - server: currenttime
    methods: [tools/list, tools/call]
    tools: [current_time_by_timezone]
notes-reader:
  - server: notes
    methods: [tools/list]
`);
