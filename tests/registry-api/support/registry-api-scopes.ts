/**
 * scopes.yml of the MCP Registry API tests: `admins` may do everything on every server; `readers`
 * list every server but may call none; `team` lists /team/weather, /currenttime and /notes but has
 * gateway access only to the first two; `publishers` may register but list nothing.
 */
export const REGISTRY_API_SCOPES = `
group_mappings:
  admins: [registry-admin, servers-all]
  readers: [registry-reader]
  team: [team-reader, team-servers]
  publishers: [publisher]
UI-Scopes:
  registry-admin:
    list_service: [all]
    register_service: [all]
    modify_service: [all]
    toggle_service: [all]
    delete_service: [all]
  registry-reader:
    list_service: [all]
  team-reader:
    list_service: [/team/weather, currenttime, /notes]
  publisher:
    register_service: [all]
servers-all:
  - server: '*'
    methods: [all]
    tools: [all]
team-servers:
  - server: currenttime
    methods: [tools/list]
    tools: [current_time_by_timezone]
  - server: team/weather
    methods: [tools/list]
`;
