# Shared by smoke.sh and compose-up.sh (sourced; expects fail and TMP from the caller).

step () { printf '\n== %s\n' "$*"; }

free_port () { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# The first API key through the admin CLI inside the api container, then one rotation through the
# API with the client package's `rotate` command (built from packages/client), as a user would.
issue_key_and_rotate () { # api container, API base URL
  local issued api_key rotated
  issued="$(podman exec "$1" node dist/src/cli/admin.js keys issue --webhook-url https://hooks.example.invalid/smoke --owner smoke --json)"
  api_key="$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).apiKey ?? "")' "$issued")"
  [[ -n "$api_key" ]] || fail "keys issue printed no key"
  echo "issued key ${api_key:0:12}…"
  npm run --silent build --workspace packages/client >/dev/null
  rotated="$(WEBHOOK_ROTATION_API_KEY="$api_key" node packages/client/dist/cli/webhook-secret-rotation.js rotate \
    --api-url "$2" --state-file "$TMP/rotation-state.json" --json)" || fail "rotate: $rotated"
  node -e '
    const r = JSON.parse(process.argv[1])
    if (!/^whsec_/.test(r.secret ?? "")) { console.error("no secret in", Object.keys(r)); process.exit(1) }
    console.log("rotated:", r.rotationId, "at", r.rotatedAt, "| new secret", r.secret.slice(0, 10) + "…", "| previous kept until", r.previousRetainedUntil)
  ' "$rotated" || fail "rotation output"
}
