import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { lockApiKeyForRotation, writeSecretSlots } from '../../src/db/api-keys-repository.js'
import { insertAuditEvent } from '../../src/db/audit-repository.js'
import { withTransaction } from '../../src/db/pool.js'
import { retainSecret } from '../../src/db/retained-secrets-repository.js'

/**
 * Baseline T: exactly the Postgres work of one rotation, without the service around it: lock the
 * key row, retain the old secret and write the new one, insert a finished rotation, its audit row and its outbox event, commit.
 * Fixed stand-in ciphertexts: T measures Postgres, not encryption.
 */
export async function baselineTransaction (pool: pg.Pool, apiKeyId: string) {
  await withTransaction(pool, async (client) => {
    const key = await lockApiKeyForRotation(client, apiKeyId, 60)
    const rotationId = randomUUID()
    await retainSecret(client, apiKeyId, { secretVersion: key.secretVersion, secret: 'baseline-previous', rotationId: null, confirmed: true, windowSeconds: 604800 })
    const written = await writeSecretSlots(client, apiKeyId, {
      current: 'baseline-current', startsCooldown: true, bumpsVersion: true, currentSource: 'this-rotation', rotationId,
    })
    await client.query(
      `insert into webhook_secret_rotations (id, api_key_id, kind, request_fingerprint, status, actor, rotated_at, secret_version, completed_at)
       values ($1::uuid, $2::uuid, 'customer', 'baseline', 'succeeded', 'bench', $3::timestamptz, $4::int, now())`,
      [rotationId, apiKeyId, written.rotatedAt, written.secretVersion]
    )
    await insertAuditEvent(client, { actorType: 'customer', actor: apiKeyId, action: 'webhook_secret.rotated', apiKeyId, rotationId, details: { secretVersion: written.secretVersion } })
    // Status 'none': the service's reconciler must not pick T's events up and deliver them mid-run.
    const id = randomUUID()
    await client.query(
      `insert into webhook_events (id, api_key_id, type, body, rotation_id, status, job_id)
       values ($1::uuid, $2::uuid, 'webhook_secret.rotated', $3::text, $4::uuid, 'none', $1::text)`,
      [id, apiKeyId, JSON.stringify({ id, rotationId }), rotationId]
    )
  })
}
