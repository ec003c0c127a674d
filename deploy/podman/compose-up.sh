#!/usr/bin/env bash
# docker-compose.yml brought up with Debian's podman-compose on the locally built images
# (`npm run image:compose`, after `npm run image:smoke` built them): init-secrets, up, both app
# services healthy, the first key through the admin CLI in the api container, one rotation with
# the client package's command through the published API port, stop (exit codes), down -v.
#
# podman-compose 1.0.3 (Debian 12) differs from docker compose in ways this script works around:
# - it does not wait for `depends_on: condition: service_healthy`; the app processes do not
#   need it (a process started before Postgres answers logs `waiting for Postgres` and retries);
# - `podman-compose build` would build the OCI format, which drops HEALTHCHECK: the image is
#   built by smoke.sh (`--format docker`) and only named here (APP_IMAGE);
# - it has no `stop_grace_period`: the stop below passes the same 30 s;
# - it ignores `profiles`, so `up` names the four services (the observability profile's
#   Prometheus and Grafana have no local image: no registry here);
# - it does not interpolate `${VAR:-}` (an empty default) and passes the text through, which is
#   why the compose file has no such default.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}"
export POSTGRES_IMAGE="${POSTGRES_IMAGE:-localhost/wsr-postgres:15}"
export REDIS_IMAGE="${REDIS_IMAGE:-localhost/wsr-redis:7}"
export NODE_IMAGE="${NODE_IMAGE:-localhost/wsr-node:24-bookworm}"
export APP_IMAGE="${APP_IMAGE:-localhost/webhook-secret-rotation:smoke}"
# shellcheck source=deploy/podman/lib.sh
source "$ROOT/deploy/podman/lib.sh"
export API_PORT="${API_PORT:-$(free_port)}"
PROJECT="${PROJECT:-wsr-compose}"
TMP="$(mktemp -d)"
compose () { podman-compose -p "$PROJECT" -f docker-compose.yml "$@"; }
container () { podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1; }
fail () { printf 'FAILED: %s\n' "$*" >&2; for s in api worker postgres; do echo "--- $s logs" >&2; podman logs --tail 30 "$(container "$s")" >&2 2>/dev/null || true; done; exit 1; }
cleanup () { compose down -v >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT

podman image exists "$APP_IMAGE" || { echo "no $APP_IMAGE: run npm run image:smoke first" >&2; exit 1; }
podman-compose version 2>/dev/null | tail -n 2

step "secrets (deploy/compose/init-secrets.sh)"
deploy/compose/init-secrets.sh

step "podman-compose up -d (API on 127.0.0.1:$API_PORT)"
compose up -d postgres redis api worker > "$TMP/up.log" 2>&1 || { tail -n 30 "$TMP/up.log"; fail "up"; }
podman ps --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}  {{.Image}}  {{.Ports}}'

step "health"
for s in postgres redis api worker; do
  c="$(container "$s")"
  for i in $(seq 120); do
    podman healthcheck run "$c" >/dev/null 2>&1 && break
    [[ $i == 120 ]] && fail "$s never became healthy"; sleep 1
  done
  echo "$s ($c): $(podman inspect "$c" --format '{{.State.Health.Status}}')"
done
echo "credentials in the api container's environment: $(podman exec "$(container api)" env | grep -cE '^(DATABASE_URL|API_KEY_PEPPER|SECRET_ENCRYPTION_KEYS)=' || true)"

step "first key (admin CLI in the api container), one rotation through the published port"
issue_key_and_rotate "$(container api)" "http://127.0.0.1:$API_PORT"

step "stop (SIGTERM, 30 s)"
for s in worker api; do
  c="$(container "$s")"
  start=$(date +%s%N)
  podman stop -t 30 "$c" >/dev/null
  echo "$s: exit code $(podman inspect "$c" --format '{{.State.ExitCode}}') after $(( ($(date +%s%N) - start) / 1000000 )) ms"
  [[ "$(podman inspect "$c" --format '{{.State.ExitCode}}')" == 0 ]] || fail "$s exit code"
done
compose down -v > /dev/null 2>&1
printf '\ncompose: ok\n'
