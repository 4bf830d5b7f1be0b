#!/usr/bin/env bash
# Let's Encrypt for the nginx edge, with the host's certbot (apt-get install certbot) in webroot mode:
# nginx answers the HTTP-01 challenge from ./acme-challenge, the certificate is copied to SSL_DIR and
# nginx reloads without dropping connections.
#   scripts/setup/letsencrypt.sh obtain   first certificate for SERVER_NAME (LETSENCRYPT_EMAIL for notices)
#   scripts/setup/letsencrypt.sh renew    renew when due; put it in cron: 17 3 * * * cd /opt/mcpgw && scripts/setup/letsencrypt.sh renew
# Run from the repository root, with the stack up (docker compose up -d).
set -euo pipefail
action="${1:-}"
env_file="${ENV_FILE:-.env}"
value() { grep -E "^$1=" "$env_file" 2> /dev/null | tail -n 1 | cut -d= -f2- || true; }
SERVER_NAME="${SERVER_NAME:-$(value SERVER_NAME)}"
LETSENCRYPT_EMAIL="${LETSENCRYPT_EMAIL:-$(value LETSENCRYPT_EMAIL)}"
SSL_DIR="${SSL_DIR:-$(value SSL_DIR)}"
SSL_DIR="${SSL_DIR:-./ssl}"
webroot="$(pwd)/acme-challenge"

if ! command -v certbot > /dev/null 2>&1; then
  echo "certbot is not installed: apt-get install certbot (or snap install certbot --classic)" >&2
  exit 69
fi
if [ -z "$SERVER_NAME" ] || [ "$SERVER_NAME" = "gateway.example.com" ]; then
  echo "set SERVER_NAME in $env_file to the host name that points at this machine" >&2
  exit 64
fi

install_certificate() {
  live="/etc/letsencrypt/live/$SERVER_NAME"
  mkdir -p "$SSL_DIR"
  cp -L "$live/fullchain.pem" "$SSL_DIR/fullchain.pem"
  cp -L "$live/privkey.pem" "$SSL_DIR/privkey.pem"
  chmod 600 "$SSL_DIR/privkey.pem"
  docker compose exec nginx nginx -s reload
  echo "installed the certificate for $SERVER_NAME in $SSL_DIR and reloaded nginx"
}

case "$action" in
  obtain)
    if [ -z "$LETSENCRYPT_EMAIL" ]; then
      echo "set LETSENCRYPT_EMAIL in $env_file: Let's Encrypt writes there before a certificate expires" >&2
      exit 64
    fi
    mkdir -p "$webroot"
    certbot certonly --webroot -w "$webroot" -d "$SERVER_NAME" --email "$LETSENCRYPT_EMAIL" --agree-tos --non-interactive
    install_certificate
    ;;
  renew)
    certbot renew --webroot -w "$webroot" --quiet
    install_certificate
    ;;
  *)
    echo "usage: scripts/setup/letsencrypt.sh obtain|renew" >&2
    exit 64
    ;;
esac
