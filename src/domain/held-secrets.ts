import type pg from 'pg'
import type { Config } from '../config/config.js'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { insertAuditEvent, type AuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import {
  acknowledgeHeldSecret, eraseExpiredHeldSecrets, markSecretDelivered, type RotationRow,
} from '../db/rotations-repository.js'

export interface HeldSecretsDeps {
  pool: pg.Pool
  config: Pick<Config, 'SECRET_REDELIVERY_GRACE_SECONDS'>
  secretBox: SecretBox
}

export type Actor = Pick<AuditEvent, 'actorType' | 'actor' | 'requestId' | 'sourceIp'>

/**
 * The new secret of a rotation is held (encrypted) until its requester has it: erased on
 * acknowledge, after the redelivery grace that starts when a response carrying it was completely
 * written, or when the hold ends. Every erasure and the first delivery are audited.
 */
export function createHeldSecrets ({ pool, config, secretBox }: HeldSecretsDeps) {
  const grace = config.SECRET_REDELIVERY_GRACE_SECONDS
  const marking = new Set<Promise<void>>()

  /** Makes lapsed holds final (and audited) before a rotation is shown. */
  async function settle (scope: { rotationId?: string; apiKeyId?: string }) {
    await eraseExpiredHeldSecrets(pool, { graceSeconds: grace, limit: 1000, ...scope })
  }

  /** Decrypts a held secret for a response; nothing is recorded until that response was written (markDelivered). */
  function reveal (rotation: RotationRow): string | null {
    return rotation.heldSecret === null ? null : secretBox.decrypt(rotation.heldSecret, aad.held(rotation.id))
  }

  /**
   * A response carrying the secret was completely written: the rotation counts as delivered (the
   * delivered rule) and the first time starts the redelivery grace. Tracked so shutdown can wait.
   * A row already read as delivered needs no write: the mark only ever happens once.
   */
  function markDelivered (rotation: RotationRow, actor: Actor) {
    if (rotation.secretFirstDeliveredAt !== null) return Promise.resolve(undefined)
    const done = markSecretDelivered(pool, rotation.id, grace, { ...actor, action: 'webhook_secret.held_secret_delivered' })
    // The caller handles a failure; the tracker only needs to know when it settled.
    const settled: Promise<void> = done.then(() => {}, () => {}).finally(() => marking.delete(settled))
    marking.add(settled)
    return done
  }

  /** Resolves once every delivery mark started so far has been written (or failed). */
  async function idle () {
    await Promise.all([...marking])
  }

  /** The requester stored the secret: it counts as delivered, and the held copy is erased now. Idempotent. */
  async function acknowledge (rotation: RotationRow, actor: Actor) {
    return withTransaction(pool, async (client) => {
      const { erased, firstDelivery } = await acknowledgeHeldSecret(client, rotation.id)
      const audit = { ...actor, apiKeyId: rotation.apiKeyId, rotationId: rotation.id }
      if (firstDelivery) await insertAuditEvent(client, { ...audit, action: 'webhook_secret.held_secret_delivered', details: { via: 'acknowledge' } })
      if (erased) await insertAuditEvent(client, { ...audit, action: 'webhook_secret.held_secret_erased', details: { reason: 'acknowledged' } })
      return erased
    })
  }

  /** The sweeper's pass over every rotation. */
  async function sweep (limit = 1000) {
    return eraseExpiredHeldSecrets(pool, { graceSeconds: grace, limit })
  }

  return { settle, reveal, markDelivered, idle, acknowledge, sweep }
}

export type HeldSecrets = ReturnType<typeof createHeldSecrets>
