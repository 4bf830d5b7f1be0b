#!/usr/bin/env bash
# First step on a new host: makes .env from config/.env.example when there is none, fills every empty
# secret in it with a random value (never replacing one already set), and puts a self-signed certificate
# in SSL_DIR when it has none, so that nginx can start before Let's Encrypt has issued the real one.
# Run from the repository root: scripts/setup/generate-secrets.sh [ENV_FILE]
set -euo pipefail
env_file="${1:-.env}"
example="$(dirname "$0")/../../config/.env.example"

if [ ! -f "$env_file" ]; then
  cp "$example" "$env_file"
  echo "created $env_file from config/.env.example"
fi
chmod 600 "$env_file"

random_secret() { openssl rand -base64 48 | tr -d '/+=\n' | cut -c1-40; }

# NAME=value lines whose value is empty get a secret; a commented "# NAME=" line is uncommented.
for name in GRAFANA_ADMIN_PASSWORD POSTGRES_PASSWORD; do
  if grep -Eq "^${name}=.+" "$env_file"; then
    continue
  fi
  secret="$(random_secret)"
  if grep -Eq "^#? *${name}=" "$env_file"; then
    sed -i -E "s|^#? *${name}=.*$|${name}=${secret}|" "$env_file"
  else
    printf '%s=%s\n' "$name" "$secret" >> "$env_file"
  fi
  echo "generated $name"
done

ssl_dir="$(grep -E '^SSL_DIR=' "$env_file" | tail -n 1 | cut -d= -f2-)"
ssl_dir="${ssl_dir:-./ssl}"
server_name="$(grep -E '^SERVER_NAME=' "$env_file" | tail -n 1 | cut -d= -f2-)"
server_name="${server_name:-localhost}"
if [ ! -f "$ssl_dir/fullchain.pem" ] || [ ! -f "$ssl_dir/privkey.pem" ]; then
  mkdir -p "$ssl_dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=${server_name}" -addext "subjectAltName=DNS:${server_name}" \
    -keyout "$ssl_dir/privkey.pem" -out "$ssl_dir/fullchain.pem" 2> /dev/null
  chmod 600 "$ssl_dir/privkey.pem"
  echo "made a self-signed certificate for ${server_name} in $ssl_dir (replace it: scripts/setup/letsencrypt.sh obtain)"
fi
