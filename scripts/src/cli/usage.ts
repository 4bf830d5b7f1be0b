/** Help texts; each command's text is what `mcpgw <command> --help` prints. */
export const MAIN_USAGE = `Usage: mcpgw <command> [options]

Commands:
  login             Log in with your identity provider and keep the tokens for the other commands
  token             Print your stored login token, or one signed with the key in DATA_DIR
  scopes validate   Check a scopes.yml file and list every problem
  client ping       Connect to an MCP server and ping it
  client list       List an MCP server's tools
  client call       Call one tool of an MCP server
  service add       Register a server from a JSON file (the original registry's format)
  service list      List the servers you may see
  service get       Print one server
  service toggle    Enable or disable a server (or flip it)
  service edit      Replace a server's entry with a JSON file
  service remove    Remove a server
  user create|list|delete           People in the Keycloak realm (KEYCLOAK_URL, admin credentials)
  group create|list|delete          Groups in the Keycloak realm; create --scopes maps one in scopes.yml
  agent-account create|list|delete  Agents' service accounts (client credentials) in the Keycloak realm
  peer …            Manage federation peers: list, add, get, update, remove, sync, status, …
  federation keygen Print a new FEDERATION_ENCRYPTION_KEY
  config            Print or write a coding assistant's MCP config (vscode, claude, cursor)
  doctor            Check a running installation and say what to fix
  nginx render      Print the nginx data plane the registry renders for its servers

Options:
  -h, --help        Show help; "mcpgw <command> --help" shows a command's options

Exit status: 0 done, 1 failed, 2 refused by the server (HTTP 401/403), 64 usage error.
`;

export const TOKEN_USAGE = `Usage: mcpgw token [--user NAME [--groups G1,G2] [--scopes S1,S2] [--ttl 1h] [--client-id ID]]
       mcpgw token --agent-id NAME [--refresh]

Without --user: prints the access token of "mcpgw login", refreshed first when it is about to expire.
With --user: prints a token (only the token) that the gateway, auth-server and registry accept,
signed with DATA_DIR/signing-key.json (DATA_DIR defaults to ./data; the key is created if missing).

Options:
  --user NAME        Subject and user name (required)
  --groups LIST      Comma-separated groups, mapped to scopes by scopes.yml group_mappings
  --scopes LIST      Comma-separated scope names for the token's scope claim
  --ttl DURATION     Lifetime such as 90s, 15m, 1h, 7d (default 1h)
  --client-id ID     client_id claim (default mcpgw-cli)

With --agent-id, prints instead the access token of an agent account made by "mcpgw agent-account
create": fetched from the identity provider by client credentials, kept in the agent's credentials
file and fetched again when it has less than a minute left (or with --refresh).
`;

export const LOGIN_USAGE = `Usage: mcpgw login --provider NAME | --issuer URL --client-id ID [--client-secret S] [--scopes S1,S2] [--device] [--port N]

Logs in with an OpenID Connect provider and stores the tokens (mode 0600) in MCPGW_CONFIG_DIR
(default ~/.config/mcpgw/login.json). "mcpgw token", "client" and "service" then use the access
token when no --token or MCPGW_TOKEN is given, refreshing it before it expires.

By default it prints a URL to open in a browser and waits for the provider to send the browser back
to http://127.0.0.1:PORT/callback (authorisation code with PKCE); register that redirect URI (any
port on 127.0.0.1) for the client. With --device it prints a code to enter on the provider's page.

Options:
  --provider NAME      An enabled provider of config/oauth2_providers.yml (OAUTH2_PROVIDERS_FILE) or
                       AUTH_PROVIDER: its issuer, client_id and client_secret
  --issuer URL         The provider's issuer (default MCPGW_LOGIN_ISSUER)
  --client-id ID       A client registered for this command line (default MCPGW_LOGIN_CLIENT_ID)
  --client-secret S    Only for a confidential client (default MCPGW_LOGIN_CLIENT_SECRET)
  --scopes LIST        Extra scopes to ask for (openid and offline_access always are)
  --device             Use the device code flow (for a terminal without a browser)
  --port N             The loopback port to listen on (default: any free port)
`;

export const SCOPES_USAGE = `Usage: mcpgw scopes validate FILE

Checks a scopes.yml file. Prints "FILE is valid" and exits 0, or lists every problem with its
path and exits 1.
`;

export const CLIENT_USAGE = `Usage: mcpgw client ping|list|call --url URL [--token TOKEN] [--tool NAME] [--args JSON]

Talks to an MCP server over Streamable HTTP, e.g. --url http://127.0.0.1:8000/currenttime/mcp,
and prints the result as JSON.

Subcommands:
  ping               Initialize and ping; prints the server's name and version
  list               Print the tools the server lists
  call               Call --tool with --args (a JSON object, default {})

Options:
  --url URL          The server's MCP endpoint (required)
  --token TOKEN      Bearer token (default: MCPGW_TOKEN, else the token of mcpgw login)
  --tool NAME        Tool to call (call only)
  --args JSON        Tool arguments as a JSON object (call only)

A refused request (HTTP 401/403) prints the status and the reason and exits 2.
`;

export const SERVICE_USAGE = `Usage: mcpgw service add FILE.json | list | get PATH | toggle PATH [--enable|--disable]
                    | edit PATH FILE.json | remove PATH  [--url URL] [--token TOKEN]

Manages servers through the registry's API and prints its answers as JSON. Server files use the
original MCP Gateway & Registry format (server_name, path, proxy_pass_url, supported_transports, …).

Subcommands:
  add FILE.json        Register the server the file describes
  list                 List the servers you may see
  get PATH             Print one server, e.g. get /currenttime
  toggle PATH          Flip enabled, or set it with --enable / --disable
  edit PATH FILE.json  Replace the server's entry with the file (its path must be PATH or absent)
  remove PATH          Remove the server

Options:
  --url URL            The registry (default: REGISTRY_URL, else http://127.0.0.1:7860)
  --token TOKEN        Bearer token (default: MCPGW_TOKEN, else the token of mcpgw login)

A refused request (HTTP 401/403) exits 2; any other failure exits 1 and lists the registry's reasons.
`;

const KEYCLOAK_ENVIRONMENT = `Keycloak is reached through KEYCLOAK_URL (e.g. http://127.0.0.1:8080) and KEYCLOAK_REALM (default
mcp-gateway), as the realm's mcp-gateway-admin client (KEYCLOAK_ADMIN_CLIENT_SECRET, and
KEYCLOAK_ADMIN_CLIENT_ID to use another client) or as Keycloak's administrator (KEYCLOAK_ADMIN and
KEYCLOAK_ADMIN_PASSWORD, through the master realm).
`;

export const USER_USAGE = `Usage: mcpgw user create USERNAME [--email E] [--first-name F] [--last-name L] [--group G]...
       mcpgw user list [--search TEXT]
       mcpgw user delete USERNAME

Manages people in the Keycloak realm and prints the answers as JSON. A new user gets the temporary
password in MCPGW_NEW_USER_PASSWORD, if set (never on the command line), and chooses their own at
first login. --group takes a group name, repeated or comma-separated.

${KEYCLOAK_ENVIRONMENT}`;

export const GROUP_USAGE = `Usage: mcpgw group create NAME [--scopes S1,S2 [--url URL] [--token TOKEN]]
       mcpgw group list
       mcpgw group delete NAME [--unmap [--url URL] [--token TOKEN]]

Manages groups in the Keycloak realm. With --scopes, create also maps the group to those scopes in
scopes.yml through the registry (REGISTRY_URL, MCPGW_TOKEN: a token allowed to modify_scopes); if the
registry refuses the mapping, the new group is removed again. With --unmap, delete also removes the
group's mapping from scopes.yml.

${KEYCLOAK_ENVIRONMENT}`;

export const AGENT_ACCOUNT_USAGE = `Usage: mcpgw agent-account create --agent-id NAME [--group G]...
       mcpgw agent-account list
       mcpgw agent-account delete --agent-id NAME

Creates, lists or deletes an agent's service account: a confidential Keycloak client agent-NAME with
only the client credentials grant, its service account in the given groups. create keeps the client
secret in MCPGW_CONFIG_DIR/agents/NAME.json (default ~/.config/mcpgw, mode 0600) and prints where;
"mcpgw token --agent-id NAME" then prints the agent's access token.

${KEYCLOAK_ENVIRONMENT}`;
export const PEER_USAGE = `Usage: mcpgw peer list | add FILE.json | get PEER_ID | update PEER_ID FILE.json | remove PEER_ID
                 | sync PEER_ID [--full] | sync-all [--full] | enable PEER_ID | disable PEER_ID
                 | status PEER_ID | items PEER_ID  [--url URL] [--token TOKEN]

Manages the peer registries this registry imports from (the Peers API) and prints its answers as
JSON. Peer files hold peer_id, name, endpoint, federation_token, sync_mode (all, whitelist,
tag_filter), whitelist_servers, tag_filters, sync_interval_minutes, jwks_url; update takes any subset.

Subcommands:
  list                  List peers (tokens are never shown)
  add FILE.json         Add the peer the file describes
  get PEER_ID           Print one peer
  update PEER_ID FILE   Change a peer's settings (e.g. a rotated federation_token)
  remove PEER_ID        Remove a peer; its imported servers stay, marked orphaned
  sync PEER_ID          Pull what changed at the peer now (--full: everything)
  sync-all              Sync every enabled peer
  enable, disable       Turn a peer's syncing on or off
  status PEER_ID        Health, last sync, counts, failures in a row
  items PEER_ID         The servers imported from the peer, orphans included

Options:
  --url URL             The registry (default: REGISTRY_URL, else http://127.0.0.1:7860)
  --token TOKEN         Bearer token (default: the MCPGW_TOKEN environment variable)
  --full                With sync and sync-all: a full resync instead of an incremental one

A refused request (HTTP 401/403) exits 2; any other failure exits 1 and lists the registry's reasons.
`;

export const FEDERATION_USAGE = `Usage: mcpgw federation keygen

Prints a new Fernet key for FEDERATION_ENCRYPTION_KEY, which encrypts the peer tokens a registry
stores. Keys made by Python's cryptography (Fernet.generate_key()) work the same way.
`;

export const CONFIG_USAGE = `Usage: mcpgw config vscode|claude|cursor --server PATH [--gateway URL] [--token TOKEN]
                    [--name NAME] [--write [--file FILE]]

Prints the MCP configuration a coding assistant needs for one server behind the gateway, e.g.
  mcpgw config claude --server /currenttime --token "$(npx mcpgw token --user me --groups mcp-registry-user)"
With --write it is merged into the assistant's project file (other servers stay):
  vscode .vscode/mcp.json, claude .mcp.json, cursor .cursor/mcp.json

Options:
  --server PATH      The server's registered path, e.g. /currenttime (required)
  --gateway URL      The gateway as clients reach it (default: GATEWAY_PUBLIC_URL, else http://127.0.0.1:8000)
  --token TOKEN      Embed this bearer token. Without it VS Code prompts for the token, and Claude Code
                     and Cursor read it from the MCPGW_TOKEN environment variable
  --name NAME        The server's name in the assistant (default: the path, e.g. currenttime)
  --write            Write the assistant's project file instead of printing (mode 0600 with a token)
  --file FILE        Write this file instead of the assistant's default
`;

export const DOCTOR_USAGE = `Usage: mcpgw doctor [--registry URL] [--auth URL] [--gateway URL] [--scopes FILE] [--token TOKEN] [--json]

Checks a running installation and says what to fix: the registry, auth-server and gateway answer
/health; their clocks agree with this machine's; the registry publishes its signing keys; scopes.yml
is valid; with a token (--token or MCPGW_TOKEN), that the registry accepts it, servers are registered
and the gateway has their routes. A plain-HTTP gateway on another host is a warning.

Options:
  --registry URL     Default: REGISTRY_URL, else http://127.0.0.1:7860
  --auth URL         Default: AUTH_URL, else http://127.0.0.1:8888
  --gateway URL      Default: GATEWAY_PUBLIC_URL, else http://127.0.0.1:8000
  --scopes FILE      Default: SCOPES_FILE, else config/scopes.yml
  --json             Print {"ok": …, "checks": [{check, status, detail, fix}]} instead of lines

Exit status: 0 nothing failed (warnings allowed), 1 a check failed, 64 usage error.
`;

export const NGINX_USAGE = `Usage: mcpgw nginx render [--script | --json] [--url URL] [--token TOKEN]

Prints the nginx data plane the registry renders for its servers now (GET /api/nginx/dataplane; the
token needs modify_service: [all]): the configuration, or with --script the njs module it imports.
Install both where the configuration's js_import line says, then nginx -t && nginx -s reload:
  mcpgw nginx render > /etc/nginx/conf.d/mcpgw-dataplane.conf
  mcpgw nginx render --script > /etc/nginx/conf.d/mcpgw-dataplane.js
A registry with NGINX_DATAPLANE_FILE set does this itself on every change. Servers the data plane
cannot serve are named on standard error.

Options:
  --url URL          The registry (default: REGISTRY_URL, else http://127.0.0.1:7860)
  --token TOKEN      Bearer token (default: the MCPGW_TOKEN environment variable)
  --script           Print the njs module instead of the configuration
  --json             Print the registry's whole answer
`;
