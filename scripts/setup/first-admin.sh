#!/usr/bin/env bash
# Prints a token for the first administrator (group mcp-registry-admin in config/scopes.yml), signed by the
# running registry's key: use it with mcpgw (MCPGW_TOKEN) or the registry API until your identity provider
# is set up.   scripts/setup/first-admin.sh [USER] [TTL]   (default: admin, 8h)
set -euo pipefail
user="${1:-admin}"
ttl="${2:-8h}"
docker compose exec -T registry node scripts/bin/mcpgw.js token --user "$user" --groups mcp-registry-admin --ttl "$ttl"
