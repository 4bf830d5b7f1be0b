#!/usr/bin/env bash
# Backs up the data volume (registry database, signing key, internal token) to backups/mcpgw-data-DATE.tar.gz.
# The registry stops for the few seconds the copy takes, so that its SQLite database is consistent; the
# gateway keeps serving the routes it has. With the postgres profile, back up PostgreSQL too (pg_dump).
#   scripts/setup/backup.sh [DIRECTORY]   (default: ./backups)
set -euo pipefail
dir="$(mkdir -p "${1:-backups}" && cd "${1:-backups}" && pwd)"
name="mcpgw-data-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
docker compose stop registry
trap 'docker compose start registry' EXIT
docker compose run --rm --no-deps --user 0 -v "$dir:/backup" --entrypoint tar registry czf "/backup/$name" -C /data .
echo "wrote $dir/$name"
