#!/usr/bin/env bash
# The README's walkthrough ("Walkthrough with curl"), step by step in the README's order, against a
# running `npm start` (another terminal). Its commands are the README's, line for line
# (test/scripts/walkthrough.test.ts checks both). Needs bash, curl and node; not uuidgen or jq.
#   bash scripts/walkthrough.sh                    # the service at http://127.0.0.1:3000
#   API_URL=http://127.0.0.1:3001 bash scripts/walkthrough.sh
set -euo pipefail
step () { printf '\n### %s\n' "$1"; }

step 'issue a test key'
field () { node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).$1"; }
export API=${API_URL:-http://127.0.0.1:3000}/v1/auth/api-keys/me/webhook-secret
export KEY=$(npm run --silent admin -- keys issue --webhook-url https://webhooks.example.invalid/hooks --json | field apiKey)
echo "KEY=${KEY:0:14}…"

step 'rotate'
IDEM=$(node -p 'crypto.randomUUID()')
ROTATED=$(curl -s -X POST $API/rotate -H "X-API-Key: $KEY" -H "Idempotency-Key: $IDEM" \
     -H 'Content-Type: application/json' -d '{"reason":"quarterly rotation"}')
echo "$ROTATED"
ROTATION=$(echo "$ROTATED" | field webhookSecret.rotationId)

step 'replay'
curl -s -i -X POST $API/rotate -H "X-API-Key: $KEY" -H "Idempotency-Key: $IDEM" \
     -H 'Content-Type: application/json' -d '{"reason":"quarterly rotation"}'
echo

step 'cooldown'
curl -s -i -X POST $API/rotate -H "X-API-Key: $KEY" -H "Idempotency-Key: $(node -p 'crypto.randomUUID()')"
echo

step 'rotation'
curl -s $API/rotations/$ROTATION -H "X-API-Key: $KEY"
echo

step 'rotations'
curl -s "$API/rotations?limit=10" -H "X-API-Key: $KEY"
echo

step 'acknowledge'
curl -s -X POST $API/rotations/$ROTATION/acknowledge -H "X-API-Key: $KEY"
echo

step 'respond-async'
export KEY2=$(npm run --silent admin -- keys issue --webhook-url https://webhooks.example.invalid/hooks --json | field apiKey)
ACCEPTED=$(curl -s -X POST $API/rotate -H "X-API-Key: $KEY2" -H "Idempotency-Key: $(node -p 'crypto.randomUUID()')" -H 'Prefer: respond-async')
echo "$ACCEPTED"
until curl -s $API/rotations/$(echo "$ACCEPTED" | field rotation.id) -H "X-API-Key: $KEY2" | grep '"status":"succeeded"'; do sleep 0.2; done

step 'metadata'
curl -s $API -H "X-API-Key: $KEY"
echo
