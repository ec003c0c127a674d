import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { lockApiKeyForRotation, writeSecretSlots, type ApiKeyForRotation } from '../../src/db/api-keys-repository.js'
import { insertAuditEvent } from '../../src/db/audit-repository.js'
import { withTransaction } from '../../src/db/pool.js'
import { retainSecret } from '../../src/db/retained-secrets-repository.js'

/** The stored secrets of one rotation: the one that stops being current, as retained, and the new current one. */
export interface RotationSecrets {
  retained: (key: ApiKeyForRotation) => string
  current: string
}

/**
 * One rotation's Postgres work without the service around it: lock the key row, retain the old
 * secret and write the new one, insert a finished rotation, its audit row and its outbox event,
 * commit. No cooldown, idempotency or held secret: neither T nor N has them.
 */
export async function rotationTransaction (pool: pg.Pool, apiKeyId: string, secrets: RotationSecrets) {
  return withTransaction(pool, async (client) => {
    const key = await lockApiKeyForRotation(client, apiKeyId, 60)
    const rotationId = randomUUID()
    await retainSecret(client, apiKeyId, { secretVersion: key.secretVersion, secret: secrets.retained(key), rotationId: null, confirmed: true, windowSeconds: 604800 })
    const written = await writeSecretSlots(client, apiKeyId, {
      current: secrets.current, startsCooldown: true, bumpsVersion: true, currentSource: 'this-rotation', rotationId,
    })
    await client.query(
      `insert into webhook_secret_rotations (id, api_key_id, kind, request_fingerprint, status, actor, rotated_at, secret_version, completed_at)
       values ($1::uuid, $2::uuid, 'customer', 'baseline', 'succeeded', 'bench', $3::timestamptz, $4::int, now())`,
      [rotationId, apiKeyId, written.rotatedAt, written.secretVersion]
    )
    await insertAuditEvent(client, { actorType: 'customer', actor: apiKeyId, action: 'webhook_secret.rotated', apiKeyId, rotationId, details: { secretVersion: written.secretVersion } })
    // Status 'none': the service's reconciler must not pick these events up and deliver them mid-run.
    const id = randomUUID()
    await client.query(
      `insert into webhook_events (id, api_key_id, type, body, rotation_id, status, job_id)
       values ($1::uuid, $2::uuid, 'webhook_secret.rotated', $3::text, $4::uuid, 'none', $1::text)`,
      [id, apiKeyId, JSON.stringify({ id, rotationId }), rotationId]
    )
    return { rotationId, ...written }
  })
}

/** Baseline T: the rotation's transaction with fixed stand-in ciphertexts (T measures Postgres, not encryption). */
export async function baselineTransaction (pool: pg.Pool, apiKeyId: string) {
  await rotationTransaction(pool, apiKeyId, { retained: () => 'baseline-previous', current: 'baseline-current' })
}
