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

Options:
  -h, --help        Show help; "mcpgw <command> --help" shows a command's options

Exit status: 0 done, 1 failed, 2 refused by the server (HTTP 401/403), 64 usage error.
`;

export const TOKEN_USAGE = `Usage: mcpgw token [--user NAME [--groups G1,G2] [--scopes S1,S2] [--ttl 1h] [--client-id ID]]

Without --user: prints the access token of "mcpgw login", refreshed first when it is about to expire.
With --user: prints a token (only the token) that the gateway, auth-server and registry accept,
signed with DATA_DIR/signing-key.json (DATA_DIR defaults to ./data; the key is created if missing).

Options:
  --user NAME        Subject and user name (required)
  --groups LIST      Comma-separated groups, mapped to scopes by scopes.yml group_mappings
  --scopes LIST      Comma-separated scope names for the token's scope claim
  --ttl DURATION     Lifetime such as 90s, 15m, 1h, 7d (default 1h)
  --client-id ID     client_id claim (default mcpgw-cli)
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
