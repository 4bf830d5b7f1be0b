#!/bin/sh
# Registers the example MCP servers (currenttime on 8101, notes on 8102) at BASE, e.g. http://example-servers,
# with a short-lived administrator token signed with the key in DATA_DIR. A server already registered is
# replaced, so running it again after a change is safe. Used by the compose service register-examples.
set -eu
base="${1:?usage: register-examples.sh BASE_URL (e.g. http://example-servers)}"
here="$(cd "$(dirname "$0")" && pwd)"
mcpgw="node $here/../bin/mcpgw.js"
MCPGW_TOKEN="$($mcpgw token --user mcpgw-setup --groups mcp-registry-admin --ttl 5m)"
export MCPGW_TOKEN
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

register() {
  name="$1" port="$2" description="$3"
  file="$work/$name.json"
  cat > "$file" <<JSON
{"server_name": "$name", "path": "/$name", "proxy_pass_url": "$base:$port/", "description": "$description",
 "tags": ["example"], "supported_transports": ["streamable-http", "sse"]}
JSON
  if $mcpgw service add "$file" > /dev/null 2> "$work/error"; then
    echo "registered /$name -> $base:$port/"
  elif grep -q REGISTRY_SERVER_EXISTS "$work/error"; then
    $mcpgw service edit "/$name" "$file" > /dev/null
    echo "updated /$name -> $base:$port/"
  else
    cat "$work/error" >&2
    exit 1
  fi
}

register currenttime 8101 'Tells the current time in any IANA time zone.'
register notes 8102 'An in-memory notebook: list, read, add and delete notes.'
