/** Help texts; each command's text is what `mcpgw <command> --help` prints. */
export const MAIN_USAGE = `Usage: mcpgw <command> [options]

Commands:
  token             Print an access token signed with the key in DATA_DIR
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
  peer …            Manage federation peers: list, add, get, update, remove, sync, status, …
  federation keygen Print a new FEDERATION_ENCRYPTION_KEY

Options:
  -h, --help        Show help; "mcpgw <command> --help" shows a command's options

Exit status: 0 done, 1 failed, 2 refused by the server (HTTP 401/403), 64 usage error.
`;

export const TOKEN_USAGE = `Usage: mcpgw token --user NAME [--groups G1,G2] [--scopes S1,S2] [--ttl 1h] [--client-id ID]

Prints a token (only the token) that the gateway, auth-server and registry accept. It is signed
with DATA_DIR/signing-key.json (DATA_DIR defaults to ./data; the key is created if missing).

Options:
  --user NAME        Subject and user name (required)
  --groups LIST      Comma-separated groups, mapped to scopes by scopes.yml group_mappings
  --scopes LIST      Comma-separated scope names for the token's scope claim
  --ttl DURATION     Lifetime such as 90s, 15m, 1h, 7d (default 1h)
  --client-id ID     client_id claim (default mcpgw-cli)
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
  --token TOKEN      Bearer token (default: the MCPGW_TOKEN environment variable)
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
  --token TOKEN        Bearer token (default: the MCPGW_TOKEN environment variable)

A refused request (HTTP 401/403) exits 2; any other failure exits 1 and lists the registry's reasons.
`;

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
