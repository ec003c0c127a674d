#!/usr/bin/env bash
# Writes the credentials docker-compose.yml reads as compose secrets, each random, into ./secrets/
# (or $1). Existing files are kept, so re-running never rotates a credential underneath a running
# stack. The folder is 0700, so no other user of this host can read them; the files are 0644
# because compose bind-mounts each file as it is and the app runs as the unprivileged user `node`.
set -euo pipefail
DIR="${1:-$(cd "$(dirname "$0")/../.." && pwd)/secrets}"
umask 077
mkdir -p "$DIR"
chmod 700 "$DIR"

write () { # name, value
  if [[ -s "$DIR/$1" ]]; then echo "kept    $DIR/$1"; return; fi
  printf '%s\n' "$2" > "$DIR/$1"
  chmod 644 "$DIR/$1"
  echo "created $DIR/$1"
}
random () { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }

write postgres_password "$(random 24 | tr '+/' '-_')"
# The URL must carry the password just written (kept or new).
write database_url "postgres://rotation:$(tr -d '\n' < "$DIR/postgres_password")@postgres:5432/rotation"
write api_key_pepper "$(random 48)"
write secret_encryption_keys "k1:$(random 32)"
write grafana_admin_password "$(random 18 | tr '+/' '-_')"
