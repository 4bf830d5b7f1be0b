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
  config            Print or write a coding assistant's MCP config (vscode, claude, cursor)
  doctor            Check a running installation and say what to fix
  nginx render      Print the nginx data plane the registry renders for its servers

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
