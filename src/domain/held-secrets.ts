import type pg from 'pg'
import type { Config } from '../config/config.js'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { insertAuditEvent, type AuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import {
  eraseExpiredHeldSecrets, eraseHeldSecretOnAcknowledge, markSecretDelivered, type RotationRow,
} from '../db/rotations-repository.js'

export interface HeldSecretsDeps {
  pool: pg.Pool
  config: Pick<Config, 'SECRET_REDELIVERY_GRACE_SECONDS'>
  secretBox: SecretBox
}

export type Actor = Pick<AuditEvent, 'actorType' | 'actor' | 'requestId' | 'sourceIp'>

/**
 * The new secret of a rotation is held (encrypted) until its requester has it: erased on
 * acknowledge, after the redelivery grace that starts with the first response carrying it, or
 * when the hold ends. Every erasure and the first delivery are audited.
 */
export function createHeldSecrets ({ pool, config, secretBox }: HeldSecretsDeps) {
  const grace = config.SECRET_REDELIVERY_GRACE_SECONDS

  /** Makes lapsed holds final (and audited) before a rotation is shown. */
  async function settle (scope: { rotationId?: string; apiKeyId?: string }) {
    await eraseExpiredHeldSecrets(pool, { graceSeconds: grace, limit: 1000, ...scope })
  }

  /** Decrypts a held secret for a response about to carry it; the first time starts the grace. */
  async function reveal (rotation: RotationRow, actor: Actor): Promise<{ secret: string; rotation: RotationRow } | null> {
    if (rotation.heldSecret === null) return null
    const delivered = await withTransaction(pool, async (client) => {
      const marked = await markSecretDelivered(client, rotation.id, grace)
      if (marked?.firstTime) {
        await insertAuditEvent(client, { ...actor, action: 'webhook_secret.held_secret_delivered', apiKeyId: rotation.apiKeyId, rotationId: rotation.id })
      }
      return marked
    })
    if (!delivered) return null
    return {
      secret: secretBox.decrypt(rotation.heldSecret, aad.held(rotation.id)),
      rotation: { ...rotation, ...delivered },
    }
  }

  /** The requester stored the secret: erase it now. Idempotent. */
  async function acknowledge (rotation: RotationRow, actor: Actor) {
    return withTransaction(pool, async (client) => {
      const erased = await eraseHeldSecretOnAcknowledge(client, rotation.id)
      if (erased) {
        await insertAuditEvent(client, { ...actor, action: 'webhook_secret.held_secret_erased', apiKeyId: rotation.apiKeyId, rotationId: rotation.id, details: { reason: 'acknowledged' } })
      }
      return erased
    })
  }

  /** The sweeper's pass over every rotation. */
  async function sweep (limit = 1000) {
    return eraseExpiredHeldSecrets(pool, { graceSeconds: grace, limit })
  }

  return { settle, reveal, acknowledge, sweep }
}

export type HeldSecrets = ReturnType<typeof createHeldSecrets>
