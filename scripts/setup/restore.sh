#!/usr/bin/env bash
# Restores the data volume from a backup made by backup.sh, replacing what is there, then starts the stack.
#   scripts/setup/restore.sh backups/mcpgw-data-20250101T000000Z.tar.gz
set -euo pipefail
archive="${1:?usage: scripts/setup/restore.sh BACKUP.tar.gz}"
[ -f "$archive" ] || { echo "no such file: $archive" >&2; exit 66; }
dir="$(cd "$(dirname "$archive")" && pwd)"
file="$(basename "$archive")"
docker compose stop registry auth-server gateway
docker compose run --rm --no-deps --user 0 -v "$dir:/backup:ro" --entrypoint sh registry -c \
  "find /data -mindepth 1 -delete && tar xzf '/backup/$file' -C /data && chown -R node:node /data"
docker compose up -d
echo "restored /data from $archive"
